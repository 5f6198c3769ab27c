// A person deletes their account. It stops signing in at once, its tokens are
// revoked, and the outbox tells the network (a Delete of the Person to its
// followers, the people it followed and the groups it belonged to); once that
// is queued, its follows and memberships are removed here.
import { deleteFollowsOf, markLocalAccountDeleted, remoteFolloweesOf } from "../../db/repos/account-deletion.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import type { ActorRow } from "../../db/schema.ts";
import { forbidden, validationFailed } from "../../domain/errors.ts";
import { requireLocalUserActor } from "./actor.service.ts";
import { auditActorOf, recordAudit } from "../organizations/audit.service.ts";
import type { ServiceContext } from "../context.ts";
import { verifyCredentials } from "./user.service.ts";

export async function deleteAccount(ctx: ServiceContext, username: string, password: unknown): Promise<void> {
  if (typeof password !== "string" || password === "") throw validationFailed('Confirm with your password: {"password": "…"}', { field: "password" });
  const actor = await requireLocalUserActor(ctx, username);
  if (!(await verifyCredentials(ctx, username, password))) throw forbidden("The password does not match; the account was not deleted");
  await ctx.db.transaction().execute(async (trx) => {
    await markLocalAccountDeleted(trx, actor.id);
    await recordOutboxEvent(trx, { type: "account.deleted", actorId: actor.id });
    await recordAudit(trx, auditActorOf(actor), { action: "account.deleted", target: `@${actor.username}@${actor.domain}` });
  });
  ctx.onOutboxEvent?.();
  ctx.logger.info({ username }, "account deleted");
}

/** Who hears of the deletion besides the followers. */
export async function deletionRecipients(ctx: ServiceContext, actorId: string): Promise<ActorRow[]> {
  return remoteFolloweesOf(ctx.db, actorId);
}

/** After the Delete is queued: the account's follows and memberships are gone too. */
export async function forgetDeletedAccountFollows(ctx: ServiceContext, actorId: string): Promise<void> {
  await deleteFollowsOf(ctx.db, actorId);
}
