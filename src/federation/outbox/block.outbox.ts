// A block as Mastodon federates it (ADR 0033): Block to the blocked account
// alone, and Undo(Block) naming the same activity when it is lifted.
import type { Context } from "@fedify/fedify";
import { Block, Undo } from "@fedify/vocab";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { isAllowedRecipient } from "../recipients.ts";

export async function sendBlockEvent(ctx: Context<ServiceContext>, event: Extract<OutboxEvent, { type: "account.blocked" }>, activityId: URL): Promise<void> {
  const [blocker, target] = await Promise.all([findActorById(ctx.data.db, event.actorId), findActorById(ctx.data.db, event.targetId)]);
  if (!blocker?.is_local || !target || target.is_local || !(await isAllowedRecipient(ctx.data, target))) return;
  const block = new Block({ id: new URL(event.activityUri), actor: new URL(blocker.uri), object: new URL(target.uri), tos: [new URL(target.uri)] });
  const activity = event.blocked ? block : new Undo({ id: activityId, actor: new URL(blocker.uri), object: block, tos: [new URL(target.uri)] });
  // To the account's own inbox, not its server's shared one: it is about that person only.
  await ctx.sendActivity({ identifier: blocker.username }, toRecipient(target), activity, { orderingKey: event.activityUri });
}
