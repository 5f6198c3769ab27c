// A deleted local account: Delete(Person) to its followers and to the remote
// people and groups it followed, then its follows are forgotten. Receivers
// that check the signature find the actor answering 410 Gone, which is how
// servers recognise a deleted account.
import type { Context } from "@fedify/fedify";
import { Delete, PUBLIC_COLLECTION } from "@fedify/vocab";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { deletionRecipients, forgetDeletedAccountFollows } from "../../services/accounts/account-deletion.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { allowedRecipients } from "../recipients.ts";

export async function sendAccountDeleted(ctx: Context<ServiceContext>, actorId: string, activityId: URL): Promise<void> {
  const actor = await findActorById(ctx.data.db, actorId);
  if (!actor?.is_local || !actor.gone_at) return;
  const uri = new URL(actor.uri);
  const activity = new Delete({ id: activityId, actor: uri, object: uri, tos: [PUBLIC_COLLECTION] });
  const sender = { identifier: actor.username };
  await ctx.sendActivity(sender, "followers", activity, { preferSharedInbox: true, excludeBaseUris: [new URL(ctx.origin)] });
  const others = await allowedRecipients(ctx.data, await deletionRecipients(ctx.data, actorId));
  if (others.length > 0) await ctx.sendActivity(sender, others.map(toRecipient), activity, { preferSharedInbox: true });
  await forgetDeletedAccountFollows(ctx.data, actorId);
}
