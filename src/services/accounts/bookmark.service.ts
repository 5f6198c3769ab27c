// Bookmarks, favourites lists and read markers of client apps.
import { addBookmark, bookmarkedAmong, listBookmarkedPostIds, readMarkers, removeBookmark, writeMarker } from "../../db/repos/notification.repo.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { canViewPost } from "../posts/post.service.ts";
import { likedPostIds } from "../../db/queries/favourite.queries.ts";
import { getPostEntries } from "../posts/timeline.service.ts";

export async function bookmark(ctx: ServiceContext, actorId: string, postId: string, on: boolean): Promise<void> {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, actorId))) throw notFound("Record not found");
  if (on) await addBookmark(ctx.db, actorId, postId);
  else await removeBookmark(ctx.db, actorId, postId);
}

export async function bookmarks(ctx: ServiceContext, actorId: string, options: { maxId?: string; limit: number }) {
  return listBookmarkedPostIds(ctx.db, actorId, options);
}

export async function bookmarkedSet(ctx: ServiceContext, actorId: string, postIds: string[]) {
  return bookmarkedAmong(ctx.db, actorId, postIds);
}

export async function getMarkers(ctx: ServiceContext, actorId: string) {
  return readMarkers(ctx.db, actorId);
}

export async function setMarker(ctx: ServiceContext, actorId: string, timeline: string, lastReadId: string): Promise<void> {
  if (timeline !== "home" && timeline !== "notifications") throw validationFailed(`Unknown timeline "${timeline}"`);
  if (!/^\d{1,25}$/.test(lastReadId)) throw validationFailed("last_read_id must be an id");
  await writeMarker(ctx.db, actorId, timeline, lastReadId);
}

/** Posts the account liked, most recently liked first, that it may still see. */
export async function favourites(ctx: ServiceContext, actorId: string, options: { maxId?: string | undefined; limit: number }) {
  const ids = await likedPostIds(ctx.db, actorId, options);
  const entries = new Map((await getPostEntries(ctx, actorId, ids)).map((e) => [e.post.id, e]));
  return ids.flatMap((id) => entries.get(id) ?? []);
}
