// Finding a post by its URL: ours, cached, or (when asked) fetched from its
// server through the federation layer; and finding things by words.
import { findPostByUri } from "../db/repos/post.repo.ts";
import type { PostRow } from "../db/schema.ts";
import type { ServiceContext } from "./context.ts";
import { findPeople, findPosts, findTags, findTasks } from "../db/queries/directory.queries.ts";
import { hydrate } from "../db/queries/post.queries.ts";
import { listGroupsOfMember } from "../db/queries/group.queries.ts";
import { toActorView, type ActorView } from "./actor.service.ts";
import { listGroups, type GroupView } from "./group.service.ts";
import { toPostView, type PostView } from "./post.service.ts";
import { filterVisiblePosts, viewerOf } from "./visibility.service.ts";
import { getTask, type TaskView } from "./task.service.ts";

export async function resolvePostByUrl(ctx: ServiceContext, url: string, options: { fetch: boolean }): Promise<PostRow | null> {
  const cached = await findPostByUri(ctx.db, url);
  if (cached) return cached;
  if (!options.fetch || !ctx.remote?.resolvePost) return null;
  const uri = await ctx.remote.resolvePost(url).catch(() => null);
  return uri ? ((await findPostByUri(ctx.db, uri)) ?? null) : null;
}

// Search by words, for the web's /search page and the composer's
// autocomplete. Every result passes the same visibility rules as the pages.

export async function searchPeople(ctx: ServiceContext, text: string, limit = 8): Promise<ActorView[]> {
  const words = text.trim().replace(/^@/, "").split("@")[0] ?? "";
  if (!words) return [];
  return (await findPeople(ctx.db, words, limit)).map(toActorView);
}

export async function searchTags(ctx: ServiceContext, prefix: string, limit = 8): Promise<Array<{ tag: string; uses: number }>> {
  const clean = prefix.trim().replace(/^#/, "");
  if (!/^[\p{L}\p{N}_]+$/u.test(clean)) return [];
  return findTags(ctx.db, clean, limit);
}

export async function searchGroups(ctx: ServiceContext, viewerId: string | null, text: string, limit = 10): Promise<GroupView[]> {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const groups = await listGroups(ctx, viewerId);
  return groups
    .filter((g) => [g.actor.username, g.actor.displayName ?? "", g.actor.summary ?? ""].some((s) => s.toLowerCase().includes(needle)))
    .slice(0, limit);
}

/** Posts (ideas included: their tags say so) the viewer may read, newest first; `before` pages on. */
export async function searchPosts(
  ctx: ServiceContext,
  viewerId: string | null,
  text: string,
  options: { before?: string | undefined; limit: number },
): Promise<{ items: PostView[]; nextBefore: string | null }> {
  if (!text.trim()) return { items: [], nextBefore: null };
  const rows = await findPosts(ctx.db, text.trim(), { maxId: options.before, limit: options.limit });
  const allowed = await filterVisiblePosts(ctx, viewerOf(viewerId), rows, (row) => row);
  const items = (await hydrate(ctx.db, allowed, viewerId)).map(toPostView);
  return { items, nextBefore: rows.length === options.limit ? rows[rows.length - 1]!.id : null };
}

/** Tasks with these words in their title, in the groups the viewer belongs to. */
export async function searchTasks(ctx: ServiceContext, viewerId: string, text: string, limit = 10): Promise<TaskView[]> {
  if (!text.trim()) return [];
  const rows = await findTasks(ctx.db, text.trim(), await listGroupsOfMember(ctx.db, viewerId), limit);
  const views: TaskView[] = [];
  for (const row of rows) views.push(await getTask(ctx, row.id, viewerId));
  return views;
}
