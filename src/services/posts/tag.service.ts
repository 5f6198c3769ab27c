// Hashtags for apps: a tag's page (its week of use, whether I follow it),
// following tags (their public posts join my home timeline), and featuring
// tags on my profile.
import { authorTagUse, mostUsedTags, tagDays } from "../../db/queries/tag.queries.ts";
import { addTag, followedAmong, removeTag, removeTagById, tagsOf } from "../../db/repos/tag.repo.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { MAX_FEATURED_TAGS, normalizeTag } from "../../domain/tag.rules.ts";
import type { ServiceContext } from "../context.ts";

export interface TagInfo {
  name: string;
  /** The last 7 UTC days, today first. */
  history: Array<{ day: Date; uses: number; accounts: number }>;
  following: boolean | undefined;
}

const DAY_MS = 86_400_000;

export async function describeTags(ctx: ServiceContext, viewerId: string | null, names: string[]): Promise<TagInfo[]> {
  const tags = [...new Set(names)];
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const days = await tagDays(ctx.db, tags, new Date(today - 6 * DAY_MS));
  const followed = viewerId ? await followedAmong(ctx.db, viewerId, tags) : null;
  return tags.map((name) => ({
    name,
    history: Array.from({ length: 7 }, (_, i) => {
      const day = new Date(today - i * DAY_MS);
      const found = days.find((d) => d.tag === name && d.day.getTime() === day.getTime());
      return { day, uses: found?.uses ?? 0, accounts: found?.accounts ?? 0 };
    }),
    following: followed ? followed.has(name) : undefined,
  }));
}

export async function describeTag(ctx: ServiceContext, viewerId: string | null, name: string): Promise<TagInfo> {
  return (await describeTags(ctx, viewerId, [normalizeTag(name)]))[0]!;
}

export async function followTag(ctx: ServiceContext, actorId: string, name: string): Promise<TagInfo> {
  const tag = normalizeTag(name);
  await addTag(ctx.db, "tag_follows", actorId, tag);
  return describeTag(ctx, actorId, tag);
}

export async function unfollowTag(ctx: ServiceContext, actorId: string, name: string): Promise<TagInfo> {
  const tag = normalizeTag(name);
  await removeTag(ctx.db, "tag_follows", actorId, tag);
  return describeTag(ctx, actorId, tag);
}

export async function followedTags(ctx: ServiceContext, actorId: string, page: { maxId?: string | undefined; limit: number }) {
  const rows = await tagsOf(ctx.db, "tag_follows", actorId, page);
  const infos = await describeTags(
    ctx,
    actorId,
    rows.map((r) => r.tag),
  );
  return rows.map((r, i) => ({ rowId: r.id, tag: infos[i]! }));
}

export interface FeaturedTag {
  id: string;
  name: string;
  statusesCount: number;
  lastStatusAt: Date | null;
}

export async function featuredTags(ctx: ServiceContext, actorId: string): Promise<FeaturedTag[]> {
  const rows = await tagsOf(ctx.db, "featured_tags", actorId, { limit: MAX_FEATURED_TAGS });
  const use = new Map(
    (
      await authorTagUse(
        ctx.db,
        actorId,
        rows.map((r) => r.tag),
      )
    ).map((u) => [u.tag, u]),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.tag,
    statusesCount: Number(use.get(r.tag)?.n ?? 0),
    lastStatusAt: use.get(r.tag)?.last ? new Date(use.get(r.tag)!.last!) : null,
  }));
}

export async function featureTag(ctx: ServiceContext, actorId: string, name: unknown): Promise<FeaturedTag> {
  if (typeof name !== "string") throw validationFailed("name must be a hashtag");
  const tag = normalizeTag(name);
  const current = await featuredTags(ctx, actorId);
  const existing = current.find((t) => t.name === tag);
  if (existing) return existing;
  if (current.length >= MAX_FEATURED_TAGS) throw validationFailed(`Validation failed: You can feature at most ${MAX_FEATURED_TAGS} hashtags`);
  await addTag(ctx.db, "featured_tags", actorId, tag);
  return (await featuredTags(ctx, actorId)).find((t) => t.name === tag)!;
}

export async function unfeatureTag(ctx: ServiceContext, actorId: string, id: string): Promise<void> {
  if (!/^\d{1,25}$/.test(id) || !(await removeTagById(ctx.db, "featured_tags", actorId, id))) throw notFound("Record not found");
}

/** Tags the account uses most and has not featured yet. */
export async function featuredTagSuggestions(ctx: ServiceContext, actorId: string): Promise<TagInfo[]> {
  const featured = new Set((await featuredTags(ctx, actorId)).map((t) => t.name));
  const used = (await mostUsedTags(ctx.db, actorId, MAX_FEATURED_TAGS + featured.size)).filter((t) => !featured.has(t));
  return describeTags(ctx, actorId, used.slice(0, MAX_FEATURED_TAGS));
}
