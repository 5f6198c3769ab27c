// Pins: an account's chosen posts at the top of its profile.
import { addPin, countPins, pinnedPostIds, removePin } from "../db/repos/pin.repo.ts";
import { findPostById } from "../db/repos/post.repo.ts";
import { notFound } from "../domain/errors.ts";
import { assertPinnable } from "../domain/pin.rules.ts";
import type { ServiceContext } from "./context.ts";
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
  await addPin(ctx.db, actorId, post.id);
}

export async function unpinPost(ctx: ServiceContext, actorId: string, postId: string): Promise<void> {
  const post = await visiblePost(ctx, actorId, postId);
  await removePin(ctx.db, actorId, post.id);
}

export async function listPinnedPostIds(ctx: ServiceContext, actorId: string): Promise<string[]> {
  return pinnedPostIds(ctx.db, actorId);
}
