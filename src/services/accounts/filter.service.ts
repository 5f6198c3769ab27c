// Filters: keywords and statuses an account wants warned about or hidden in
// chosen contexts (home, notifications, public, thread, account).
import {
  deleteFilter,
  deleteFilterStatus,
  deleteKeyword,
  filterIdOfPart,
  filtersOf,
  insertFilter,
  insertFilterStatus,
  insertKeyword,
  updateFilter,
  updateKeyword,
  type FilterKeywordRow,
  type FilterStatusRow,
  type FilterWithParts,
} from "../../db/repos/filter.repo.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { keywordMatches, parseAction, parseContexts, parseKeyword, type FilterContext } from "../../domain/filter.rules.ts";
import type { ServiceContext } from "../context.ts";
import { canViewPost } from "../posts/post.service.ts";

export type { FilterKeywordRow, FilterStatusRow, FilterWithParts, FilterContext };

export interface KeywordInput {
  id?: string | undefined;
  keyword?: unknown;
  wholeWord?: boolean | undefined;
  destroy?: boolean | undefined;
}

export interface FilterInput {
  title?: unknown;
  contexts?: string[] | undefined;
  action?: unknown;
  /** Seconds from now; null or 0 = never. */
  expiresIn?: number | null | undefined;
  keywords?: KeywordInput[] | undefined;
}

const MAX_FILTERS = 100;

function title(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw validationFailed("Validation failed: Title can't be blank");
  if (value.length > 200) throw validationFailed("A filter title is at most 200 characters");
  return value.trim();
}

function expiry(seconds: number | null | undefined): Date | null | undefined {
  if (seconds === undefined) return undefined;
  if (seconds === null || seconds === 0) return null;
  if (!Number.isInteger(seconds) || seconds < 0) throw validationFailed("expires_in must be a whole number of seconds");
  return new Date(Date.now() + seconds * 1000);
}

export async function listFilters(ctx: ServiceContext, actorId: string): Promise<FilterWithParts[]> {
  return filtersOf(ctx.db, actorId);
}

export async function getFilter(ctx: ServiceContext, actorId: string, id: string): Promise<FilterWithParts> {
  const [found] = /^\d{1,25}$/.test(id) ? await filtersOf(ctx.db, actorId, { id }) : [];
  if (!found) throw notFound("Record not found");
  return found;
}

export async function createFilter(ctx: ServiceContext, actorId: string, input: FilterInput): Promise<FilterWithParts> {
  if ((await filtersOf(ctx.db, actorId)).length >= MAX_FILTERS) throw validationFailed(`You can have at most ${MAX_FILTERS} filters`);
  const values = {
    actorId,
    title: title(input.title),
    contexts: parseContexts(input.contexts ?? []),
    action: parseAction(input.action),
    expiresAt: expiry(input.expiresIn) ?? null,
    keywords: (input.keywords ?? []).filter((k) => !k.destroy).map((k) => ({ keyword: parseKeyword(k.keyword), wholeWord: k.wholeWord ?? true })),
  };
  const id = await ctx.db.transaction().execute((trx) => insertFilter(trx, values));
  return getFilter(ctx, actorId, id);
}

export async function changeFilter(ctx: ServiceContext, actorId: string, id: string, input: FilterInput): Promise<FilterWithParts> {
  const current = await getFilter(ctx, actorId, id);
  const changes = {
    ...(input.title !== undefined ? { title: title(input.title) } : {}),
    ...(input.contexts !== undefined && input.contexts.length > 0 ? { contexts: parseContexts(input.contexts) } : {}),
    ...(input.action !== undefined ? { action: parseAction(input.action) } : {}),
    ...(input.expiresIn !== undefined ? { expiresAt: expiry(input.expiresIn) ?? null } : {}),
  };
  const own = new Set(current.keywords.map((k) => k.id));
  for (const k of input.keywords ?? []) if (k.id && !own.has(k.id)) throw notFound("Record not found");
  // Check every keyword before writing any of them.
  const keywords = (input.keywords ?? []).map((k) => ({ ...k, keyword: k.destroy || k.keyword === undefined ? undefined : parseKeyword(k.keyword) }));
  await ctx.db.transaction().execute(async (trx) => {
    await updateFilter(trx, current.filter.id, changes);
    for (const k of keywords) {
      if (k.id && k.destroy) await deleteKeyword(trx, k.id);
      else if (k.id)
        await updateKeyword(trx, k.id, {
          ...(k.keyword !== undefined ? { keyword: k.keyword } : {}),
          ...(k.wholeWord !== undefined ? { wholeWord: k.wholeWord } : {}),
        });
      else if (!k.destroy && k.keyword !== undefined) await insertKeyword(trx, current.filter.id, k.keyword, k.wholeWord ?? true);
    }
  });
  return getFilter(ctx, actorId, id);
}

export async function removeFilter(ctx: ServiceContext, actorId: string, id: string): Promise<void> {
  await deleteFilter(ctx.db, (await getFilter(ctx, actorId, id)).filter.id);
}

export async function addKeyword(ctx: ServiceContext, actorId: string, filterId: string, keyword: unknown, wholeWord: boolean | undefined) {
  const filter = await getFilter(ctx, actorId, filterId);
  const id = await insertKeyword(ctx.db, filter.filter.id, parseKeyword(keyword), wholeWord ?? true);
  return (await getFilter(ctx, actorId, filterId)).keywords.find((k) => k.id === id)!;
}

/** The filter a keyword or filtered status belongs to; 404 if it is not the account's. */
export async function filterOfPart(ctx: ServiceContext, actorId: string, kind: "keyword" | "status", id: string): Promise<FilterWithParts> {
  const filterId = /^\d{1,25}$/.test(id) ? await filterIdOfPart(ctx.db, actorId, kind === "keyword" ? "filter_keywords" : "filter_statuses", id) : undefined;
  if (!filterId) throw notFound("Record not found");
  return getFilter(ctx, actorId, filterId);
}

export async function changeKeyword(ctx: ServiceContext, actorId: string, id: string, input: { keyword?: unknown; wholeWord?: boolean | undefined }) {
  await filterOfPart(ctx, actorId, "keyword", id);
  await updateKeyword(ctx.db, id, {
    ...(input.keyword !== undefined ? { keyword: parseKeyword(input.keyword) } : {}),
    ...(input.wholeWord !== undefined ? { wholeWord: input.wholeWord } : {}),
  });
  return (await filterOfPart(ctx, actorId, "keyword", id)).keywords.find((k) => k.id === id)!;
}

export async function removeKeyword(ctx: ServiceContext, actorId: string, id: string): Promise<void> {
  await filterOfPart(ctx, actorId, "keyword", id);
  await deleteKeyword(ctx.db, id);
}

export async function addFilterStatus(ctx: ServiceContext, actorId: string, filterId: string, postId: string | undefined) {
  const filter = await getFilter(ctx, actorId, filterId);
  const post = postId ? await findPostById(ctx.db, postId) : undefined;
  if (!post || !(await canViewPost(ctx, post, actorId))) throw validationFailed("status_id must name a status you can see");
  const id = await insertFilterStatus(ctx.db, filter.filter.id, post.id);
  return (await getFilter(ctx, actorId, filterId)).statuses.find((s) => s.id === id)!;
}

export async function removeFilterStatus(ctx: ServiceContext, actorId: string, id: string): Promise<void> {
  await filterOfPart(ctx, actorId, "status", id);
  await deleteFilterStatus(ctx.db, id);
}

export interface FilterMatch {
  filter: FilterWithParts;
  keywordMatches: string[] | null;
  statusMatches: string[] | null;
}

/**
 * Which of the viewer's active filters for a context match each status (by
 * its plain text). The text is asked for only when a filter has keywords:
 * turning a status's HTML into text parses it, which most timelines (no
 * keyword filter) need not pay for.
 */
export async function matchFilters(
  ctx: ServiceContext,
  viewerId: string,
  context: FilterContext,
  statuses: Array<{ id: string; postId: string; text: () => string }>,
): Promise<Map<string, FilterMatch[]>> {
  const filters = (await filtersOf(ctx.db, viewerId, { activeOnly: true })).filter((f) => f.filter.contexts.includes(context));
  const result = new Map<string, FilterMatch[]>();
  if (filters.length === 0) return result;
  for (const status of statuses) {
    const matches: FilterMatch[] = [];
    let text: string | undefined;
    for (const filter of filters) {
      const words = filter.keywords.filter((k) => keywordMatches((text ??= status.text()), k.keyword, k.whole_word)).map((k) => k.keyword);
      const posts = filter.statuses.filter((s) => s.post_id === status.postId).map((s) => s.id);
      if (words.length > 0 || posts.length > 0)
        matches.push({ filter, keywordMatches: words.length > 0 ? words : null, statusMatches: posts.length > 0 ? posts : null });
    }
    if (matches.length > 0) result.set(status.id, matches);
  }
  return result;
}
