// Timelines for client apps: home (me, who I follow, my groups), public,
// hashtag, and one account's posts — always filtered by what the viewer may see.
import { accountStats, relationships, type AccountStats, type Relationship } from "../db/queries/account.queries.ts";
import { actorsByUris, hydrate, postsByUris, type PostEntry } from "../db/queries/post.queries.ts";
import {
  accountTimeline,
  homeTimeline,
  postsByIds,
  publicTimeline,
  tagTimeline,
  type PageBounds,
} from "../db/queries/timeline.queries.ts";
import type { PostRow } from "../db/schema.ts";
import type { ServiceContext } from "./context.ts";
import { canViewPost } from "./post.service.ts";

async function visible(ctx: ServiceContext, rows: PostRow[], viewerId: string | null): Promise<PostEntry[]> {
  const allowed: PostRow[] = [];
  for (const row of rows) if (await canViewPost(ctx, row, viewerId)) allowed.push(row);
  return hydrate(ctx.db, allowed, viewerId);
}

export async function getHomeTimeline(ctx: ServiceContext, viewerId: string, bounds: PageBounds) {
  return visible(ctx, await homeTimeline(ctx.db, viewerId, bounds), viewerId);
}

export async function getPublicTimeline(
  ctx: ServiceContext,
  viewerId: string | null,
  options: { local?: boolean; remote?: boolean },
  bounds: PageBounds,
) {
  return visible(ctx, await publicTimeline(ctx.db, options, bounds), viewerId);
}

export async function getTagTimeline(ctx: ServiceContext, viewerId: string | null, tag: string, bounds: PageBounds) {
  return visible(ctx, await tagTimeline(ctx.db, tag, bounds), viewerId);
}

export async function getAccountTimeline(ctx: ServiceContext, viewerId: string | null, authorId: string, bounds: PageBounds) {
  return visible(ctx, await accountTimeline(ctx.db, authorId, bounds), viewerId);
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

export type { AccountStats, PageBounds, PostEntry, Relationship };

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
