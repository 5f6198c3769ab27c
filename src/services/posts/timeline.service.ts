// Timelines for client apps: home (me, who I follow, my groups), public,
// hashtag, and one account's posts — always filtered by what the viewer may see.
import { accountStats, relationships, type AccountStats, type Relationship } from "../../db/queries/account.queries.ts";
import { actorsByIds, actorsByUris, hydrate, postsByUris, reblogsForHome, type PostEntry } from "../../db/queries/post.queries.ts";
import {
  accountTimeline,
  homeTimeline,
  postsByIds,
  publicTimeline,
  tagTimeline,
  type AccountPostFilters,
  type PageBounds,
} from "../../db/queries/timeline.queries.ts";
import type { ActorRow, PostRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";
import { filterVisiblePosts, viewerOf } from "../visibility.service.ts";

async function visible(ctx: ServiceContext, rows: PostRow[], viewerId: string | null): Promise<PostEntry[]> {
  return hydrate(ctx.db, await filterVisiblePosts(ctx, viewerOf(viewerId), rows, (row) => row), viewerId);
}

export interface BoostItem {
  id: string;
  by: ActorRow;
  createdAt: Date;
  entry: PostEntry;
}

export type HomeItem = { kind: "post"; id: string; entry: PostEntry } | ({ kind: "boost" } & BoostItem);

export async function getHomeTimeline(ctx: ServiceContext, viewerId: string, bounds: PageBounds) {
  return visible(ctx, await homeTimeline(ctx.db, viewerId, bounds), viewerId);
}

/** The home timeline with boosts by followed accounts interleaved by time. */
export async function getHomeItems(ctx: ServiceContext, viewerId: string, bounds: PageBounds): Promise<HomeItem[]> {
  const posts = await getHomeTimeline(ctx, viewerId, bounds);
  const boosts = bounds.minId ? [] : await reblogsForHome(ctx.db, viewerId, bounds);
  return interleaveBoosts(ctx, viewerId, posts, boosts, bounds.limit);
}

/**
 * Posts and boosts in one newest-first page: a boosted post the viewer may
 * not see is left out, and a post already on the page is not repeated.
 */
export async function interleaveBoosts(
  ctx: ServiceContext,
  viewerId: string | null,
  posts: PostEntry[],
  boosts: Array<{ id: string; post_id: string; actor_id: string; created_at: Date }>,
  limit: number,
): Promise<HomeItem[]> {
  const boostedEntries = new Map(
    (await visible(ctx, await postsByIds(ctx.db, [...new Set(boosts.map((b) => b.post_id))]), viewerId)).map((e) => [e.post.id, e]),
  );
  const boosters = new Map((await actorsByIds(ctx.db, [...new Set(boosts.map((b) => b.actor_id))])).map((a) => [a.id, a]));
  const items: HomeItem[] = posts.map((entry) => ({ kind: "post", id: entry.post.id, entry }));
  const shown = new Set(posts.map((e) => e.post.id));
  for (const boost of boosts) {
    const entry = boostedEntries.get(boost.post_id);
    const by = boosters.get(boost.actor_id);
    if (!entry || !by || shown.has(entry.post.id)) continue;
    shown.add(entry.post.id);
    items.push({ kind: "boost", id: boost.id, by, createdAt: boost.created_at, entry });
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

export type { AccountPostFilters, AccountStats, PageBounds, PostEntry, Relationship };

/** What status serialisation needs beside the entries, fetched in batch. */
export async function statusExtras(ctx: ServiceContext, entries: PostEntry[]) {
  const parentUris = [...new Set(entries.map((e) => e.post.in_reply_to_uri).filter((u): u is string => u !== null))];
  const mentionUris = [...new Set(entries.flatMap((e) => e.mentions))];
  const [stats, parents, mentioned] = await Promise.all([
    accountStats(ctx.db, [...new Set(entries.map((e) => e.author.id))]),
    postsByUris(ctx.db, parentUris),
    actorsByUris(ctx.db, mentionUris),
  ]);
  return {
    stats,
    parents: new Map(parents.map((p) => [p.uri, { id: p.id, authorId: p.author_id }])),
    mentioned: new Map(mentioned.map((a) => [a.uri, a])),
  };
}
