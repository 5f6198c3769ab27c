// Accounts that are gone (410). Their server says so in two ways: a delivery
// to their inbox answers 410, or it sends a signed Delete of the account
// whose key can no longer be fetched (it answers 410 too). Either way we
// mark the actor gone, so nothing is addressed to it again.
import type { Context, RequestContext } from "@fedify/fedify";
import { Delete, type Activity } from "@fedify/vocab";
import { forgetGoneActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function onPermanentDeliveryFailure(
  ctx: Context<ServiceContext>,
  failure: { statusCode: number; actorIds: readonly URL[]; inbox: URL },
): Promise<void> {
  if (failure.statusCode !== 410) return;
  for (const actorId of failure.actorIds) await forgetGoneActor(ctx.data, actorId.href);
  ctx.data.logger.info({ inbox: failure.inbox.href, actors: failure.actorIds.map((a) => a.href) }, "inbox answered 410 Gone: actors marked gone");
}

export async function onUnverifiedActivity(
  ctx: RequestContext<ServiceContext>,
  activity: Activity,
  reason: { type: string; keyId?: URL; result?: unknown },
): Promise<Response | void> {
  if (!(activity instanceof Delete) || reason.type !== "keyFetchError" || !reason.keyId) return;
  const status = (reason.result as { status?: number } | undefined)?.status;
  const actorId = activity.actorId;
  // Only a Delete of the account itself, whose key on the account's own
  // server now answers 410 — and the account's own document too: any unsigned
  // request can name a key id that answers 410 (every deleted account's does),
  // so the key's 410 alone proves nothing about the account named as actor.
  if (status !== 410 || !actorId || activity.objectId?.href !== actorId.href || !sameOrigin(reason.keyId.href, actorId.href)) return;
  if (!(await accountAnswersGone(reason.keyId, actorId))) return;
  await forgetGoneActor(ctx.data, actorId.href);
  ctx.data.logger.info({ actor: actorId.href }, "account deleted on its server (key gone): marked gone");
  return new Response(null, { status: 202 });
}

/**
 * Whether the account's own document answers 410. A key in the actor
 * document (`…/users/alice#main-key`, as Mastodon has it) was that document,
 * so its 410 already says so; a key elsewhere costs one request for the actor.
 */
async function accountAnswersGone(keyId: URL, actorId: URL): Promise<boolean> {
  const keyDocument = new URL(keyId.href);
  keyDocument.hash = "";
  if (keyDocument.href === actorId.href) return true;
  try {
    const res = await fetch(actorId, { headers: { accept: "application/activity+json" }, redirect: "manual", signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.status === 410;
  } catch {
    return false;
  }
}
