// The federation policy holds for deliveries already queued, not only for new
// ones: recipients are filtered when an activity is sent (recipients.ts), but
// a delivery queued before its host was blocked (or before the allowlist
// dropped it) would still go out — retried for days while the host is down,
// then sent the moment it is back. Each delivery asks the policy once more
// just before it is handed to Fedify; a refused one is dropped and logged.
import type { ServiceContext } from "../services/context.ts";
import { peerAllowed } from "../services/organizations/federation-policy.service.ts";

type Handler = (message: unknown) => Promise<void> | void;

interface Listening {
  listen(handler: Handler, options?: { signal?: AbortSignal }): Promise<void>;
}

/** The inbox host of a Fedify outbox message, if it is one. */
function deliveryHost(message: unknown): string | null {
  const m = message as { type?: unknown; inbox?: unknown } | null;
  if (m?.type !== "outbox" || typeof m.inbox !== "string") return null;
  try {
    return new URL(m.inbox).host;
  } catch {
    return null;
  }
}

/** Makes `queue` (the outbox queue) drop deliveries to hosts the policy no longer allows. */
export function gateDeliveriesByPolicy<Q extends Listening>(queue: Q, ctx: ServiceContext): Q {
  const listen = queue.listen.bind(queue);
  queue.listen = (handler, options) =>
    listen(async (message) => {
      const host = deliveryHost(message);
      if (host && !(await peerAllowed(ctx, host))) {
        ctx.logger.info(
          { host, activity: (message as { activityId?: string }).activityId },
          "delivery dropped: the federation policy no longer allows this host",
        );
        return;
      }
      return handler(message);
    }, options);
  return queue;
}
