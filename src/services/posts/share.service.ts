// Cross-posting: a member shares a post from one group into another. The
// post itself does not move: the target group announces the original, and
// replies keep going to the one original thread. Content of members-only
// and secret groups never leaves its group.
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findPostById, findPostByUri, insertShare } from "../../db/repos/post.repo.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import { conflict, validationFailed } from "../../domain/errors.ts";
import { assertCanPost, assertCanShareOut } from "../../domain/group.rules.ts";
import { newId, newActivityKey } from "../../domain/ids.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake } from "../commit.ts";
import { findGroup, membershipOf } from "../groups/group.service.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { canViewPost, getPost, type PostView } from "./post.service.ts";
import { receivePost, type IncomingPost } from "./post-inbox.service.ts";
import { recordGroupAnnounce } from "../groups/group-announce.ts";

export async function sharePost(ctx: ServiceContext, username: string, postId: string, targetGroup: string): Promise<PostView> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, user.id))) throw validationFailed(`No post ${postId}`);
  if (post.visibility !== "public") assertCanShareOut("members_only");
  if (post.group_id) {
    const source = await findGroupByActorId(ctx.db, post.group_id);
    if (source?.actor.is_local) assertCanShareOut(source.group.visibility);
  }
  const target = await findGroup(ctx, targetGroup, user.id);
  if (target.actor.id === post.group_id) throw validationFailed("The post is already in that group");
  assertCanPost(await membershipOf(ctx, target.actor.id, user.id));
  const id = newId();
  const activityUri = new URL(`/shares/${id}`, ctx.origin).href;
  await commitAndWake(ctx, async (trx) => {
    const created = await insertShare(trx, { id, postId: post.id, groupId: target.actor.id, sharerId: user.id, activityUri });
    if (!created) throw conflict("This post was already shared into that group");
    await recordGroupAnnounce(trx, post.id, target.actor.id, `${activityUri}#group-announce`);
    await recordOutboxEvent(trx, { type: "post.shared", postId: post.id, groupId: target.actor.id, sharerId: user.id, activityUri });
  });
  return (await getPost(ctx, post.id, user.id))!;
}

/**
 * A share arriving from another instance: a member sharing a post into one
 * of our groups (we check membership and announce it), or a group telling
 * us a post now appears in it.
 */
export async function receiveShare(
  ctx: ServiceContext,
  activity: IncomingActivity,
  sharer: ActorRow,
  group: ActorRow,
  author: ActorRow,
  post: IncomingPost,
): Promise<"stored" | "duplicate" | "ignored"> {
  if (!post.isPublic) return "ignored";
  if (group.is_local) assertCanPost(await membershipOf(ctx, group.id, sharer.id));
  let stored = await findPostByUri(ctx.db, post.uri);
  if (!stored) {
    await receivePost(ctx, { ...activity, uri: `${activity.uri}#object` }, author, post, { announcedBy: null, activityJson: null });
    stored = await findPostByUri(ctx.db, post.uri);
  }
  if (!stored) return "ignored";
  const result = await applyOnce(ctx, activity, async (trx) => {
    const created = await insertShare(trx, {
      id: newId(),
      postId: stored!.id,
      groupId: group.id,
      sharerId: sharer.id,
      activityUri: activity.uri,
    });
    if (created) await recordGroupAnnounce(trx, stored!.id, group.id, `${activity.uri}#group-announce`);
    if (created && group.is_local) {
      await recordOutboxEvent(trx, {
        type: "post.shared",
        postId: stored!.id,
        groupId: group.id,
        sharerId: sharer.id,
        activityUri: new URL(`/shares/${newActivityKey()}`, ctx.origin).href,
      });
    }
    return created ? ("stored" as const) : ("duplicate" as const);
  });
  if (group.is_local) ctx.onOutboxEvent?.();
  return result.applied ? result.value : "duplicate";
}
