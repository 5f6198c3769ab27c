// The one gate every incoming activity passes before a handler sees it
// (docs/adr/0006-one-trust-gate.md). Fedify has verified the signature (HTTP,
// Linked Data or Object Integrity Proof) and that the key belongs to the
// activity's actor; the gate then applies our rules to that verified actor:
//
// - origin: the activity's id is on its actor's origin, whatever its type;
// - policy: the federation allowlist/blocklist, decided from the verified
//   actor (not from a header), for every activity;
// - refusals by our rules are final: logged and dropped, never retried; so
//   is an object its home says does not exist (404/410/401/403).
//
// What an activity may say about *objects* (ids on the author's origin, who
// may relay what) is decided by src/domain/trust.rules.ts, asked by the
// handlers and the services that apply them.
import type { Activity } from "@fedify/vocab";
import { FetchError } from "@fedify/vocab-runtime";
import { DomainError } from "../../domain/errors.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";
import { peerAllowed } from "../../services/organizations/federation-policy.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import type { EcotoneInboxContext } from "./inbox.helpers.ts";

export type InboxHandler<T> = (ctx: EcotoneInboxContext, activity: T) => Promise<void>;

/**
 * Why the verified actor may not say this at all; null when it may. The
 * ForgeFed activities (src/federation/forgefed/task-inbox.ts) ask it too.
 */
export async function admissionRefusal(ctx: ServiceContext, activityId: string | null, verifiedActorUri: string | null): Promise<string | null> {
  if (!activityId || !verifiedActorUri) return "the activity has no id or no actor";
  if (!sameOrigin(activityId, verifiedActorUri)) return `the activity id ${activityId} is not on its actor's origin`;
  const host = new URL(verifiedActorUri).host;
  if (!(await peerAllowed(ctx, host))) return `this instance does not federate with ${host}`;
  return null;
}

/** Wraps a handler in the gate. */
export function gated<T extends Activity>(handler: InboxHandler<T>): InboxHandler<T> {
  return async (ctx, activity) => {
    const refusal = await admissionRefusal(ctx.data, activity.id?.href ?? null, activity.actorId?.href ?? null);
    if (refusal) {
      ctx.data.logger.info({ activity: activity.id?.href, actor: activity.actorId?.href, reason: refusal }, "incoming activity refused at the gate");
      return;
    }
    try {
      await handler(ctx, activity);
    } catch (error) {
      // An object whose home answers that it does not exist (an embedded
      // note claiming another server, a post deleted meanwhile) will not
      // exist on a retry either: final, like a refusal by our rules.
      if (error instanceof FetchError && isPermanentAnswer(error.response?.status)) {
        ctx.data.logger.info(
          { activity: activity.id?.href, object: error.url.href, status: error.response?.status },
          "incoming activity dropped: its object does not exist at its home",
        );
        return;
      }
      // A refusal by our rules (not a member, not the author, banned…) is
      // final. Anything else propagates, and Fedify retries with backoff.
      if (!(error instanceof DomainError)) throw error;
      ctx.data.logger.info({ activity: activity.id?.href, code: error.code, reason: error.message }, "incoming activity refused");
    }
  };
}

/** 404 and 410 say the document is not there; 401/403 that it is not for us. Timeouts, 429 and 5xx may pass. */
function isPermanentAnswer(status: number | undefined): boolean {
  return status === 404 || status === 410 || status === 401 || status === 403;
}

/** Is this host (of an object or an actor named inside an activity) one we federate with? */
export function mayFederateWith(ctx: EcotoneInboxContext, uri: string | URL): Promise<boolean> {
  return peerAllowed(ctx.data, new URL(uri).host);
}
