// Timelines for client apps: home (me, who I follow, my groups), public,
// hashtag, and one account's posts — always filtered by what the viewer may see.
import { accountStats, relationships, type AccountStats, type Relationship } from "../../db/queries/account.queries.ts";
import { hydrate, hydrateWithActors, reblogsForHome, type MentionedActor, type PostEntry } from "../../db/queries/post.queries.ts";
import {
  accountTimeline,
  homeTimeline,
  postsAndBoostsBy,
  postsByIds,
  publicTimeline,
  tagTimeline,
  type AccountPostFilters,
  type PageBounds,
} from "../../db/queries/timeline.queries.ts";
import type { ActorCard, PostRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";
import { filterVisiblePosts, viewerOf } from "../visibility.service.ts";

async function visible(ctx: ServiceContext, rows: PostRow[], viewerId: string | null): Promise<PostEntry[]> {
  return hydrate(ctx.db, await filterVisiblePosts(ctx, viewerOf(viewerId), rows, (row) => row), viewerId);
}

export interface BoostItem {
  id: string;
  by: ActorCard;
  createdAt: Date;
  entry: PostEntry;
}

export type HomeItem = { kind: "post"; id: string; entry: PostEntry } | ({ kind: "boost" } & BoostItem);

export async function getHomeTimeline(ctx: ServiceContext, viewerId: string, bounds: PageBounds) {
  return visible(ctx, await homeTimeline(ctx.db, viewerId, bounds), viewerId);
}

type BoostRow = { id: string; post_id: string; actor_id: string; created_at: Date };

/**
 * The home timeline with boosts by followed accounts interleaved by time.
 * Posts and boosted posts pass the visibility rule together, the page is cut
 * to its limit, and only what is shown is hydrated: one batch for the page.
 */
export async function getHomeItems(ctx: ServiceContext, viewerId: string, bounds: PageBounds): Promise<HomeItem[]> {
  const [rows, boosts] = await Promise.all([
    homeTimeline(ctx.db, viewerId, bounds),
    bounds.minId ? Promise.resolve([]) : reblogsForHome(ctx.db, viewerId, bounds),
  ]);
  return visibleItems(ctx, viewerId, rows, boosts, bounds.limit);
}

/** An account's posts and boosts, as on the home timeline: the page read in one statement, then the same steps. */
export async function getPostsAndBoostsBy(
  ctx: ServiceContext,
  viewerId: string | null,
  authorId: string,
  bounds: PageBounds,
  filters: Pick<AccountPostFilters, "excludeReplies"> = {},
): Promise<HomeItem[]> {
  const { posts, boosts } = await postsAndBoostsBy(ctx.db, authorId, bounds, filters);
  return visibleItems(ctx, viewerId, posts, boosts, bounds.limit);
}

/** Posts and boosts (each with its boosted post, when we have it) to the page the viewer may see, hydrated in one batch. */
async function visibleItems(
  ctx: ServiceContext,
  viewerId: string | null,
  rows: PostRow[],
  boosts: Array<BoostRow & { post: PostRow | null }>,
  limit: number,
): Promise<HomeItem[]> {
  const onPage = new Set(rows.map((r) => r.id));
  const boostedRows = [...new Map(boosts.flatMap((b) => (b.post && !onPage.has(b.post.id) ? [[b.post.id, b.post] as const] : []))).values()];
  const seen = await filterVisiblePosts(ctx, viewerOf(viewerId), [...rows, ...boostedRows], (row) => row);
  const visibleById = new Map(seen.map((r) => [r.id, r]));
  // Boosters are read with the page's authors, once the page is cut.
  const page = mergeBoosts(
    rows.filter((r) => visibleById.has(r.id)),
    boosts,
    visibleById,
    (actorId) => actorId,
    limit,
  );
  const { entries: hydrated, actors } = await hydrateWithActors(
    ctx.db,
    [...new Set(page.map((i) => i.post))],
    viewerId,
    page.flatMap((i) => (i.kind === "boost" ? [i.by] : [])),
  );
  const entries = new Map(hydrated.map((e) => [e.post.id, e]));
  return page.flatMap((i): HomeItem[] => {
    if (i.kind === "post") return [{ kind: "post", id: i.id, entry: entries.get(i.post.id)! }];
    const by = actors.get(i.by);
    return by ? [{ kind: "boost", id: i.id, by, createdAt: i.createdAt, entry: entries.get(i.post.id)! }] : [];
  });
}

/**
 * Posts and boosts in one newest-first page: a boosted post the viewer may
 * not see is left out, and a post already on the page is not repeated.
 */
function mergeBoosts<P extends { id: string }, B>(
  posts: P[],
  boosts: BoostRow[],
  boosted: Map<string, P>,
  boosterOf: (actorId: string) => B | undefined,
  limit: number,
): Array<{ kind: "post"; id: string; post: P } | { kind: "boost"; id: string; post: P; by: B; createdAt: Date }> {
  const items: Array<{ kind: "post"; id: string; post: P } | { kind: "boost"; id: string; post: P; by: B; createdAt: Date }> = posts.map((post) => ({
    kind: "post",
    id: post.id,
    post,
  }));
  const shown = new Set(posts.map((p) => p.id));
  for (const boost of boosts) {
    const post = boosted.get(boost.post_id);
    const by = boosterOf(boost.actor_id);
    if (!post || !by || shown.has(post.id)) continue;
    shown.add(post.id);
    items.push({ kind: "boost", id: boost.id, post, by, createdAt: boost.created_at });
  }
  return items.sort((x, y) => (x.id < y.id ? 1 : x.id > y.id ? -1 : 0)).slice(0, limit);
}

export async function getPublicTimeline(ctx: ServiceContext, viewerId: string | null, options: { local?: boolean; remote?: boolean }, bounds: PageBounds) {
  return visible(ctx, await publicTimeline(ctx.db, options, bounds, viewerId), viewerId);
}

export async function getTagTimeline(ctx: ServiceContext, viewerId: string | null, tag: string, bounds: PageBounds) {
  return visible(ctx, await tagTimeline(ctx.db, tag, bounds, viewerId), viewerId);
}

export async function getAccountTimeline(ctx: ServiceContext, viewerId: string | null, authorId: string, bounds: PageBounds, filters: AccountPostFilters = {}) {
  return visible(ctx, await accountTimeline(ctx.db, authorId, bounds, filters), viewerId);
}

export async function getPostEntries(ctx: ServiceContext, viewerId: string | null, ids: string[]) {
  return visible(ctx, await postsByIds(ctx.db, ids), viewerId);
}

export async function getAccountStats(ctx: ServiceContext, actorIds: string[]): Promise<Map<string, AccountStats>> {
  return accountStats(ctx.db, [...new Set(actorIds)]);
}

export async function getRelationships(ctx: ServiceContext, viewerId: string, ids: string[]): Promise<Map<string, Relationship>> {
  return relationships(ctx.db, viewerId, ids);
}

export type { AccountPostFilters, AccountStats, MentionedActor, PageBounds, PostEntry, Relationship };

/**
 * What status serialisation needs beside the entries: the authors' counts,
 * in one statement (the parents and the mentioned accounts came with the
 * entries, see `hydrate`).
 */
export async function statusExtras(ctx: ServiceContext, entries: PostEntry[], moreAccountIds: string[] = []) {
  const stats = await accountStats(ctx.db, [...new Set([...entries.map((e) => e.author.id), ...moreAccountIds])]);
  return {
    stats,
    parents: new Map(entries.flatMap((e) => (e.parent && e.post.in_reply_to_uri ? [[e.post.in_reply_to_uri, e.parent] as const] : []))),
    mentioned: new Map(entries.flatMap((e) => e.mentionedActors.map((a) => [a.uri, a] as const))),
  };
}
