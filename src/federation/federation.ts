// The Fedify federation of one instance: dispatchers, inbox listeners, and the
// durable stores. The only module that configures Fedify.
import { createExponentialBackoffPolicy, createFederation, type Federation, type KvStore, type MessageQueue } from "@fedify/fedify";
import { ECOTONE_VERSION } from "../domain/version.ts";
import type { ServiceContext } from "../services/context.ts";
import { registerActorDispatcher } from "./dispatchers/actor.dispatcher.ts";
import { registerFeaturedDispatcher } from "./dispatchers/featured.dispatcher.ts";
import { registerCollectionDispatchers } from "./dispatchers/collections.dispatcher.ts";
import { registerNodeInfoDispatcher } from "./dispatchers/nodeinfo.dispatcher.ts";
import { registerPostDispatchers } from "./dispatchers/post.dispatcher.ts";
import { registerActivityDispatcher } from "./dispatchers/activity.dispatcher.ts";
import { registerContextDispatcher } from "./dispatchers/context.dispatcher.ts";
import { registerModeratorsDispatcher } from "./dispatchers/moderators.dispatcher.ts";
import { registerInboxListeners } from "./inbox/index.ts";
import { configureForgeFed } from "./forgefed/signed-http.ts";
import { deliveryRetryPolicy } from "./delivery-retry.ts";

export interface FederationOptions {
  origin: URL;
  kv: KvStore;
  queues: { inbox: MessageQueue; outbox: MessageQueue; fanout: MessageQueue };
  allowPrivateAddresses: boolean;
  retryInitialDelayMs: number;
}

export type EcotoneFederation = Federation<ServiceContext>;

export function createEcotoneFederation(options: FederationOptions): EcotoneFederation {
  const retryPolicy = deliveryRetryPolicy(options.retryInitialDelayMs);
  const federation = createFederation<ServiceContext>({
    kv: options.kv,
    queue: options.queues,
    // app.ts starts the workers, so a web-only process can leave them off.
    manuallyStartQueue: true,
    origin: options.origin.href,
    allowPrivateAddress: options.allowPrivateAddresses,
    userAgent: { software: `Ecotone/${ECOTONE_VERSION}`, url: options.origin },
    signatureTimeWindow: { hours: 1 },
    // Fedify's default gives up after about half an hour; a peer that is down
    // for a weekend should still get its activities (src/federation/delivery-retry.ts).
    outboxRetryPolicy: retryPolicy,
    inboxRetryPolicy: createExponentialBackoffPolicy({
      initialDelay: { seconds: 5 },
      maxDelay: { minutes: 30 },
      maxAttempts: 10,
    }),
    // Stop hammering a peer that keeps failing; held activities are retried
    // when it recovers.
    circuitBreaker: {
      failureThreshold: 10,
      failureWindow: { minutes: 10 },
      recoveryDelay: { minutes: 5 },
      heldActivityTtl: { days: 3 },
    },
  });
  registerActorDispatcher(federation);
  registerCollectionDispatchers(federation);
  registerFeaturedDispatcher(federation);
  registerNodeInfoDispatcher(federation);
  registerPostDispatchers(federation);
  registerActivityDispatcher(federation);
  registerContextDispatcher(federation);
  registerModeratorsDispatcher(federation);
  registerInboxListeners(federation);
  configureForgeFed(federation, { allowPrivateAddresses: options.allowPrivateAddresses, retryPolicy });
  return federation;
}
