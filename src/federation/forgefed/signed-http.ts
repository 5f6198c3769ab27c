// Signed HTTP for ForgeFed activities, which Fedify's queue cannot carry (its
// vocabulary would refuse to serialise them): sign a POST as one of our
// actors, and check the signature of one that arrives.
import { getKeyOwner, signRequest, verifyRequest, type Context, type Federation, type RetryPolicy } from "@fedify/fedify";
import type { Actor } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";
import type { ActorRow } from "../../db/schema.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../../domain/uris.ts";
import { rememberRemoteActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { fromActor } from "../mappers/actor.mapper.ts";
import type { Json } from "./vocabulary.ts";
import { peerAllowed } from "../../services/organizations/federation-policy.service.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

const ACTIVITY_JSON = "application/activity+json";

export interface ForgeFedSettings {
  /** May task activities go to private and loopback addresses (development only)? */
  allowPrivateAddresses: boolean;
  /** The one delivery retry policy (the same object Fedify's queue uses). */
  retryPolicy: RetryPolicy;
}

// Per federation, not per process: tests (and a multi-tenant host) run
// several instances in one process, each with its own settings.
const settingsByFederation = new WeakMap<object, ForgeFedSettings>();

/** Set once by the federation setup for that federation. */
export function configureForgeFed(federation: Federation<ServiceContext>, settings: ForgeFedSettings): void {
  settingsByFederation.set(federation, settings);
}

export function forgeFedSettings(fctx: Context<ServiceContext>): ForgeFedSettings {
  const settings = settingsByFederation.get(fctx.federation);
  if (!settings) throw new Error("configureForgeFed was not called for this federation");
  return settings;
}

/** POSTs `activity` to `inbox`, signed (draft-cavage, RSA) by the local actor `senderUsername`. */
export async function postSigned(fctx: Context<ServiceContext>, senderUsername: string, inbox: string, activity: Json): Promise<Response> {
  // The same rule as Fedify's own deliveries: no private, loopback or link-local targets in production.
  if (!forgeFedSettings(fctx).allowPrivateAddresses) await validatePublicUrl(inbox);
  const pairs = await fctx.getActorKeyPairs(senderUsername);
  const rsa = pairs.find((p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5") ?? pairs[0];
  if (!rsa) throw new Error(`No key pair for ${senderUsername}`);
  const body = JSON.stringify(activity);
  const unsigned = new Request(inbox, {
    method: "POST",
    headers: { "content-type": ACTIVITY_JSON, accept: ACTIVITY_JSON },
    body,
  });
  const signed = await signRequest(unsigned, rsa.privateKey, rsa.keyId, { spec: "draft-cavage-http-signatures-12" });
  return fetch(signed, { redirect: "manual" });
}

export interface VerifiedSender {
  actor: ActorRow;
  isInstanceActor: boolean;
}

/**
 * The actor whose key signed this request, when the signature holds and the
 * key really belongs to that actor (the key document and the actor document
 * must name each other: GHSA-q9f8-5hc7-898f). Null otherwise.
 */
export async function verifySender(fctx: Context<ServiceContext>, request: Request): Promise<VerifiedSender | null> {
  const documentLoader = await fctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
  const key = await verifyRequest(request, { documentLoader, contextLoader: fctx.contextLoader, timeWindow: { hours: 1 } }).catch(() => null);
  if (!key?.ownerId) return null;
  const owner: Actor | null = await getKeyOwner(key, { documentLoader, contextLoader: fctx.contextLoader }).catch(() => null);
  if (!owner?.id || owner.id.href !== key.ownerId.href) return null;
  // As for any signed request (dispatchers/access.ts): the key on its owner's
  // origin, and the policy asked about the owner's host (finding 39).
  if (!key.id || !sameOrigin(key.id.href, owner.id.href) || !(await peerAllowed(fctx.data, owner.id.host))) return null;
  const isInstanceActor = owner.constructor.name === "Application";
  if (sameOrigin(owner.id.href, fctx.origin)) return null;
  return { actor: await rememberRemoteActor(fctx.data, await fromActor(owner)), isInstanceActor };
}
