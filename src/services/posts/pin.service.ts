// Pins: an account's chosen posts at the top of its profile.
import { addPin, countPins, pinnedPostIds, removePin } from "../../db/repos/pin.repo.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { commitAndWake as commit } from "../commit.ts";
import { notFound } from "../../domain/errors.ts";
import { assertPinnable } from "../../domain/pin.rules.ts";
import type { ServiceContext } from "../context.ts";
import { canViewPost } from "./post.service.ts";

async function visiblePost(ctx: ServiceContext, actorId: string, postId: string) {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, actorId))) throw notFound("Record not found");
  return post;
}

export async function pinPost(ctx: ServiceContext, actorId: string, postId: string): Promise<void> {
  const post = await visiblePost(ctx, actorId, postId);
  const pinned = await pinnedPostIds(ctx.db, actorId);
  if (pinned.includes(post.id)) return;
  assertPinnable({ authorId: post.author_id }, actorId, await countPins(ctx.db, actorId));
  await commit(ctx, async (trx) => {
    await addPin(trx, actorId, post.id);
    // Followers' servers keep the profile's pins (the `featured` collection) in step.
    await recordOutboxEvent(trx, { type: "post.pinned", actorId, postUri: post.uri, pinned: true });
  });
}

export async function unpinPost(ctx: ServiceContext, actorId: string, postId: string): Promise<void> {
  const post = await visiblePost(ctx, actorId, postId);
  if (!(await pinnedPostIds(ctx.db, actorId)).includes(post.id)) return;
  await commit(ctx, async (trx) => {
    await removePin(trx, actorId, post.id);
    await recordOutboxEvent(trx, { type: "post.pinned", actorId, postUri: post.uri, pinned: false });
  });
}

export async function listPinnedPostIds(ctx: ServiceContext, actorId: string): Promise<string[]> {
  return pinnedPostIds(ctx.db, actorId);
}
