// Pins as Mastodon federates them: the profile's `featured` collection, kept
// in step on followers' servers by Add and Remove activities whose target is
// that collection.
import type { Context } from "@fedify/fedify";
import { Add, PUBLIC_COLLECTION, Remove } from "@fedify/vocab";
import { findPostByUri } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";

export async function sendPinEvent(ctx: Context<ServiceContext>, event: Extract<OutboxEvent, { type: "post.pinned" }>, activityId: URL): Promise<void> {
  const actor = await findActorById(ctx.data.db, event.actorId);
  if (!actor?.is_local || actor.type !== "Person") return;
  const post = await findPostByUri(ctx.data.db, event.postUri);
  // Only what followers may read is in the collection (a pin of a gone post still leaves it by Remove).
  if (event.pinned && (!post || !["public", "unlisted", "private"].includes(post.visibility))) return;
  const values = {
    id: activityId,
    actor: new URL(actor.uri),
    object: new URL(event.postUri),
    target: ctx.getFeaturedUri(actor.username),
    tos: post?.visibility === "private" ? [ctx.getFollowersUri(actor.username)] : [PUBLIC_COLLECTION],
    ccs: post?.visibility === "private" ? [] : [ctx.getFollowersUri(actor.username)],
  };
  await ctx.sendActivity({ identifier: actor.username }, "followers", event.pinned ? new Add(values) : new Remove(values), {
    preferSharedInbox: true,
    excludeBaseUris: [new URL(ctx.origin)],
  });
}
