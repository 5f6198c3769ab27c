// Trends and follow suggestions from real activity of the last week.
import { hydrate } from "../../db/queries/post.queries.ts";
import { suggestedAccounts, trendingPosts, trendingTags } from "../../db/queries/trend.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";
import { describeTags, type TagInfo } from "./tag.service.ts";
import type { PostEntry } from "./timeline.service.ts";

const WEEK_MS = 7 * 86_400_000;
const bound = (n: number | undefined, fallback: number, max: number) => Math.min(Math.max(n ?? fallback, 1), max);

export async function getTrendingTags(ctx: ServiceContext, viewerId: string | null, page: { limit?: number; offset?: number } = {}): Promise<TagInfo[]> {
  const tags = await trendingTags(ctx.db, new Date(Date.now() - WEEK_MS), bound(page.limit, 10, 20), Math.max(page.offset ?? 0, 0));
  return describeTags(ctx, viewerId, tags);
}

/** Only public posts are candidates, so every viewer may see them. */
export async function getTrendingPosts(ctx: ServiceContext, viewerId: string | null, page: { limit?: number; offset?: number } = {}): Promise<PostEntry[]> {
  const rows = await trendingPosts(ctx.db, new Date(Date.now() - WEEK_MS), bound(page.limit, 20, 40), Math.max(page.offset ?? 0, 0));
  return hydrate(ctx.db, rows, viewerId);
}

export async function getSuggestions(ctx: ServiceContext, viewerId: string, limit?: number): Promise<ActorRow[]> {
  return suggestedAccounts(ctx.db, viewerId, bound(limit, 40, 80));
}
