// Search, for every door (Mastodon apps, the web /search page): accounts by
// username, handle prefix or display name (autocomplete), posts by full text
// and by URL, hashtags by prefix; `resolve` fetches a remote account or post
// named by its handle or URL.
// The web page's search and the composer's autocomplete (below) use the same
// reads, through the same visibility rule.
import { findPostByUri } from "../../db/repos/post.repo.ts";
import { searchActors, searchPostRows, searchTaskRows, searchTags as searchTagRows, type TagUse } from "../../db/queries/search.queries.ts";
import type { ActorRow, PostRow } from "../../db/schema.ts";
import { findCachedActor, parseHandle, resolveActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { getPostEntries, type PostEntry } from "./timeline.service.ts";
import { filterVisiblePosts, groupAnswers, viewerOf, visibleActorIds } from "../visibility.service.ts";
import { hydrate } from "../../db/queries/post.queries.ts";
import { listGroupsOfMember } from "../../db/queries/group.queries.ts";
import { toActorView, type ActorView } from "../accounts/actor.service.ts";
import { pageGroups, type GroupView } from "../groups/group.service.ts";
import { toPostView, type PostView } from "./post.service.ts";
import { toViews, type TaskView } from "../tasks/task.service.ts";

export type { TagUse };

export type SearchType = "accounts" | "statuses" | "hashtags";

export interface SearchOptions {
  type?: SearchType | undefined;
  /** Fetch a remote account or post named by handle or URL (signed-in callers only). */
  resolve?: boolean | undefined;
  /** Only accounts the viewer follows. */
  following?: boolean | undefined;
  /** Only posts by this account. */
  accountId?: string | undefined;
  maxId?: string | undefined;
  minId?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface SearchResults {
  accounts: ActorRow[];
  statuses: PostEntry[];
  hashtags: TagUse[];
}

const MAX_LIMIT = 40;
const isUrl = (q: string) => /^https?:\/\//i.test(q);

function bounds(options: SearchOptions) {
  return {
    limit: Math.min(Math.max(options.limit ?? 20, 1), MAX_LIMIT),
    offset: Math.min(Math.max(options.offset ?? 0, 0), 10_000),
  };
}

/** Words of a text search: letters and digits, lower-cased (at most 8). */
export function searchWords(q: string): string[] {
  return [...new Set([...q.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => m[0]))].slice(0, 8);
}

/** Everything that matches, as the Mastodon `/api/v2/search` and the web page show it. */
export async function search(ctx: ServiceContext, viewerId: string | null, query: string, options: SearchOptions = {}): Promise<SearchResults> {
  const q = query.trim();
  const results: SearchResults = { accounts: [], statuses: [], hashtags: [] };
  if (!q) return results;
  const want = (type: SearchType) => !options.type || options.type === type;
  if (want("accounts")) results.accounts = await searchAccounts(ctx, viewerId, q, options);
  if (want("statuses")) results.statuses = await searchStatuses(ctx, viewerId, q, options);
  if (want("hashtags") && !isUrl(q)) results.hashtags = await searchHashtags(ctx, q, options);
  return results;
}

/**
 * Accounts: a URL or a full handle names one account (fetched when `resolve`);
 * anything else is a prefix of a username or `user@domain`, or part of a name.
 */
export async function searchAccounts(ctx: ServiceContext, viewerId: string | null, query: string, options: SearchOptions = {}): Promise<ActorRow[]> {
  const q = query.trim().replace(/^@/, "");
  if (!q) return [];
  const { limit, offset } = bounds(options);
  const resolve = options.resolve === true && viewerId !== null;
  if (isUrl(q)) {
    if (offset > 0) return [];
    const actor = resolve ? await resolveActor(ctx, q).catch(() => null) : await findCachedActor(ctx, q);
    if (!actor || actor.type === "Application") return [];
    return (await visibleActorIds(ctx, viewerOf(viewerId), [actor])).has(actor.id) ? [actor] : [];
  }
  const handle = parseHandle(q);
  const found: ActorRow[] = [];
  if (handle && resolve && offset === 0) {
    const actor = await resolveActor(ctx, `@${handle.username}@${handle.domain}`).catch((error: unknown) => {
      ctx.logger.debug({ err: error, handle: q }, "search could not resolve a handle");
      return null;
    });
    if (actor && actor.type !== "Application") found.push(actor);
  }
  const [username, domain] = q.split("@", 2) as [string, string | undefined];
  const rows = await searchActors(ctx.db, {
    username,
    domain: domain ?? null,
    viewerId,
    followingOnly: options.following === true,
    limit,
    offset,
  });
  for (const row of rows) if (!found.some((f) => f.id === row.id)) found.push(row);
  // A secret group is not there for outsiders (the one visibility rule).
  const visible = await visibleActorIds(ctx, viewerOf(viewerId), found);
  return found.filter((a) => visible.has(a.id)).slice(0, limit);
}

/** Posts: a URL names one post (fetched when `resolve`); other text is searched word by word. */
export async function searchStatuses(ctx: ServiceContext, viewerId: string | null, query: string, options: SearchOptions = {}): Promise<PostEntry[]> {
  const q = query.trim();
  const { limit, offset } = bounds(options);
  if (isUrl(q)) {
    if (offset > 0) return [];
    const post = await resolvePostByUrl(ctx, q, { fetch: options.resolve === true && viewerId !== null });
    return post ? getPostEntries(ctx, viewerId, [post.id]) : [];
  }
  const words = searchWords(q.replace(/^#/, ""));
  // Rows the viewer may not see are dropped after the read; read a few more so a page is rarely short.
  const rows = await searchPostRows(ctx.db, { words, authorId: options.accountId, maxId: options.maxId, minId: options.minId, limit: limit * 2, offset });
  const visible = await filterVisiblePosts(ctx, viewerOf(viewerId), rows, (row) => row);
  return hydrate(ctx.db, visible.slice(0, limit), viewerId);
}

/** Hashtags used in public posts, by prefix. */
export async function searchHashtags(ctx: ServiceContext, query: string, options: SearchOptions = {}): Promise<TagUse[]> {
  const prefix = query.trim().replace(/^#/, "");
  if (!/^[\p{L}\p{N}_]+$/u.test(prefix)) return [];
  const { limit, offset } = bounds(options);
  return searchTagRows(ctx.db, { prefix, limit, offset });
}

/** Finding a post by its URL: ours, cached, or (when asked) fetched from its server. */
export async function resolvePostByUrl(ctx: ServiceContext, url: string, options: { fetch: boolean }): Promise<PostRow | null> {
  const cached = await findPostByUri(ctx.db, url);
  if (cached) return cached;
  if (!options.fetch || !ctx.remote?.resolvePost) return null;
  const uri = await ctx.remote.resolvePost(url).catch(() => null);
  return uri ? ((await findPostByUri(ctx.db, uri)) ?? null) : null;
}

// For the web's /search page and the composer's autocomplete: the same reads
// as the Mastodon door's, with the same visibility rules as the pages.

/** People (not groups) by username prefix or part of their name; exact names first. */
export async function searchPeople(ctx: ServiceContext, text: string, limit = 8): Promise<ActorView[]> {
  const username = text.trim().replace(/^@/, "").split("@")[0] ?? "";
  if (!username) return [];
  const rows = await searchActors(ctx.db, { username, domain: null, viewerId: null, followingOnly: false, types: ["Person"], limit, offset: 0 });
  return rows.map(toActorView);
}

/** Hashtags used in public posts, by prefix, most used first. */
export async function searchTags(ctx: ServiceContext, prefix: string, limit = 8): Promise<Array<{ tag: string; uses: number }>> {
  return (await searchHashtags(ctx, prefix, { limit })).map(({ tag, uses }) => ({ tag, uses }));
}

export async function searchGroups(ctx: ServiceContext, viewerId: string | null, text: string, limit = 10): Promise<GroupView[]> {
  const needle = text.trim();
  if (!needle) return [];
  // The directory's page, narrowed in the database: the same rows, the same rule, no read of every group.
  return (await pageGroups(ctx, viewerId, { matching: needle, size: limit })).items;
}

/** Posts (ideas included: their tags say so) the viewer may read, newest first; `before` pages on. */
export async function searchPosts(
  ctx: ServiceContext,
  viewerId: string | null,
  text: string,
  options: { before?: string | undefined; limit: number },
): Promise<{ items: PostView[]; nextBefore: string | null }> {
  const words = searchWords(text.replace(/^#/, ""));
  if (words.length === 0) return { items: [], nextBefore: null };
  const rows = await searchPostRows(ctx.db, { words, maxId: options.before, limit: options.limit, offset: 0 });
  const allowed = await filterVisiblePosts(ctx, viewerOf(viewerId), rows, (row) => row);
  const items = (await hydrate(ctx.db, allowed, viewerId)).map(toPostView);
  return { items, nextBefore: rows.length === options.limit ? rows[rows.length - 1]!.id : null };
}

/**
 * Tasks with these words in their title, in the groups the viewer belongs to
 * and may read now: a membership is not enough where the visibility rule says
 * no (a shared room the viewer's company is not admitted to).
 */
export async function searchTasks(ctx: ServiceContext, viewerId: string, text: string, limit = 10): Promise<TaskView[]> {
  if (!text.trim()) return [];
  const memberOf = await listGroupsOfMember(ctx.db, viewerId);
  const answers = await groupAnswers(ctx, viewerOf(viewerId), memberOf);
  const groups = memberOf.filter((id) => answers.get(id)?.content === true);
  return toViews(ctx, await searchTaskRows(ctx.db, text.trim(), groups, limit));
}
