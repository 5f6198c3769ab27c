// A boost goes to the booster's followers (and the post's author): an
// Announce of the post's URI; withdrawing it is Undo(Announce).
import type { Context } from "@fedify/fedify";
import { Announce, PUBLIC_COLLECTION, Undo } from "@fedify/vocab";
import { findPostById } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { allowedRecipients } from "../recipients.ts";

type ReblogEvent = Extract<OutboxEvent, { type: "post.reblogged" | "post.unreblogged" }>;

export async function sendReblog(ctx: Context<ServiceContext>, event: ReblogEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  const actor = await findActorById(db, event.actorId);
  const post = await findPostById(db, event.postId);
  if (!actor?.is_local || !post) return;
  const followers = new URL(actor.followers_url ?? `${actor.uri}/followers`);
  const announce = new Announce({
    id: new URL(event.activityUri),
    actor: new URL(actor.uri),
    object: new URL(post.uri),
    tos: [PUBLIC_COLLECTION],
    ccs: [followers],
  });
  const activity = event.type === "post.reblogged" ? announce : new Undo({ id: activityId, actor: new URL(actor.uri), object: announce });
  await ctx.sendActivity({ identifier: actor.username }, "followers", activity, {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(ctx.origin)],
  });
  const author = await findActorById(db, post.author_id);
  const extra = author ? await allowedRecipients(ctx.data, [author]) : [];
  if (extra.length > 0) await ctx.sendActivity({ identifier: actor.username }, extra.map(toRecipient), activity);
}
