// Boosts: a person re-shares a public post with their followers (Announce).
// Posts of members-only groups cannot be boosted.
import { isOpenAudience } from "../../domain/post-audience.rules.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { deleteReblog, findPostById, findPostByUri, findReblog, findReblogByActivityUri, insertReblog } from "../../db/repos/post.repo.ts";
import { actorsWhoLiked, actorsWhoReblogged } from "../../db/queries/post.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import { forbidden, notFound } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake } from "../commit.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { notify } from "../notification.service.ts";
import { canViewPost } from "./post.service.ts";
import { visibleActorIds } from "../visibility.service.ts";
import { viewerOf } from "../../domain/visibility.rules.ts";

export async function reblogPost(ctx: ServiceContext, username: string, postId: string): Promise<{ reblogId: string }> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, user.id))) throw notFound("Record not found");
  if (!isOpenAudience(post.visibility))
    throw forbidden("Only public and unlisted posts can be boosted: members-only, followers-only and direct posts stay with their audience");
  const existing = await findReblog(ctx.db, post.id, user.id);
  if (existing) return { reblogId: existing.id };
  const id = newId();
  const activityUri = new URL(`/reblogs/${id}`, ctx.origin).href;
  await commitAndWake(ctx, async (trx) => {
    if (!(await insertReblog(trx, { id, postId: post.id, actorId: user.id, activityUri }))) return;
    await notify(trx, { recipientId: post.author_id, type: "reblog", fromId: user.id, postId: post.id });
    await recordOutboxEvent(trx, { type: "post.reblogged", postId: post.id, actorId: user.id, activityUri });
  });
  return { reblogId: (await findReblog(ctx.db, post.id, user.id))?.id ?? id };
}

export async function unreblogPost(ctx: ServiceContext, username: string, postId: string): Promise<void> {
  const user = await requireLocalUserActor(ctx, username);
  const existing = await findReblog(ctx.db, postId, user.id);
  if (!existing) return;
  await commitAndWake(ctx, async (trx) => {
    await deleteReblog(trx, existing.id);
    await recordOutboxEvent(trx, { type: "post.unreblogged", postId, actorId: user.id, activityUri: existing.activity_uri });
  });
}

/** A boost by someone on another instance of a post we have. */
export async function receiveReblog(ctx: ServiceContext, activity: IncomingActivity, actor: ActorRow, objectUri: string): Promise<void> {
  const post = await findPostByUri(ctx.db, objectUri);
  if (!post || !isOpenAudience(post.visibility)) return;
  await applyOnce(ctx, activity, async (trx) => {
    const created = await insertReblog(trx, { id: newId(), postId: post.id, actorId: actor.id, activityUri: activity.uri });
    if (created) await notify(trx, { recipientId: post.author_id, type: "reblog", fromId: actor.id, postId: post.id });
  });
}

export async function receiveUndoReblog(ctx: ServiceContext, activity: IncomingActivity, actor: ActorRow, announceUri: string) {
  const reblog = await findReblogByActivityUri(ctx.db, announceUri);
  if (!reblog || reblog.actor_id !== actor.id) return false;
  await applyOnce(ctx, activity, (trx) => deleteReblog(trx, reblog.id));
  return true;
}

export async function isKnownReblog(ctx: ServiceContext, announceUri: string): Promise<boolean> {
  return (await findReblogByActivityUri(ctx.db, announceUri)) !== undefined;
}

export async function whoLiked(ctx: ServiceContext, postId: string, viewerId: string | null): Promise<ActorRow[]> {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, viewerId))) throw notFound("Record not found");
  return actorsWhoLiked(ctx.db, post.id);
}

export async function whoReblogged(ctx: ServiceContext, postId: string, viewerId: string | null): Promise<ActorRow[]> {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, viewerId))) throw notFound("Record not found");
  // A share into a group is the group's boost: name the group only to who may read it (finding 52).
  const actors = await actorsWhoReblogged(ctx.db, post.id);
  const shown = await visibleActorIds(ctx, viewerOf(viewerId), actors, "group-content");
  return actors.filter((actor) => shown.has(actor.id));
}
