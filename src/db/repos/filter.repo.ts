// Filters, their keywords and their statuses.
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";
import type { FilterKeywordsTable, FilterStatusesTable, FiltersTable } from "../schema.mastodon.ts";

type Db = Kysely<Database> | Transaction<Database>;
export type FilterRow = Selectable<FiltersTable>;
export type FilterKeywordRow = Selectable<FilterKeywordsTable>;
export type FilterStatusRow = Selectable<FilterStatusesTable>;

export interface FilterWithParts {
  filter: FilterRow;
  keywords: FilterKeywordRow[];
  statuses: FilterStatusRow[];
}

export async function insertFilter(
  db: Db,
  f: { actorId: string; title: string; contexts: string[]; action: string; expiresAt: Date | null; keywords: Array<{ keyword: string; wholeWord: boolean }> },
): Promise<string> {
  const id = newId();
  await db
    .insertInto("filters")
    .values({ id, actor_id: f.actorId, title: f.title, contexts: JSON.stringify(f.contexts), action: f.action, expires_at: f.expiresAt })
    .execute();
  for (const k of f.keywords) await insertKeyword(db, id, k.keyword, k.wholeWord);
  return id;
}

export async function updateFilter(
  db: Db,
  id: string,
  changes: { title?: string; contexts?: string[]; action?: string; expiresAt?: Date | null },
): Promise<void> {
  const set: Record<string, unknown> = {};
  if (changes.title !== undefined) set.title = changes.title;
  if (changes.contexts !== undefined) set.contexts = JSON.stringify(changes.contexts);
  if (changes.action !== undefined) set.action = changes.action;
  if (changes.expiresAt !== undefined) set.expires_at = changes.expiresAt;
  if (Object.keys(set).length > 0) await db.updateTable("filters").set(set).where("id", "=", id).execute();
}

export async function deleteFilter(db: Db, id: string): Promise<void> {
  await db.deleteFrom("filters").where("id", "=", id).execute();
}

export async function insertKeyword(db: Db, filterId: string, keyword: string, wholeWord: boolean): Promise<string> {
  const id = newId();
  await db.insertInto("filter_keywords").values({ id, filter_id: filterId, keyword, whole_word: wholeWord }).execute();
  return id;
}

export async function updateKeyword(db: Db, id: string, changes: { keyword?: string; wholeWord?: boolean }): Promise<void> {
  const set: Record<string, unknown> = {};
  if (changes.keyword !== undefined) set.keyword = changes.keyword;
  if (changes.wholeWord !== undefined) set.whole_word = changes.wholeWord;
  if (Object.keys(set).length > 0) await db.updateTable("filter_keywords").set(set).where("id", "=", id).execute();
}

export async function deleteKeyword(db: Db, id: string): Promise<void> {
  await db.deleteFrom("filter_keywords").where("id", "=", id).execute();
}

export async function insertFilterStatus(db: Db, filterId: string, postId: string): Promise<string> {
  await db
    .insertInto("filter_statuses")
    .values({ id: newId(), filter_id: filterId, post_id: postId })
    .onConflict((oc) => oc.columns(["filter_id", "post_id"]).doNothing())
    .execute();
  const row = await db.selectFrom("filter_statuses").select("id").where("filter_id", "=", filterId).where("post_id", "=", postId).executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteFilterStatus(db: Db, id: string): Promise<void> {
  await db.deleteFrom("filter_statuses").where("id", "=", id).execute();
}

/** An account's filters with their keywords and statuses; only unexpired ones when asked. */
export async function filtersOf(db: Db, actorId: string, options: { activeOnly?: boolean; id?: string } = {}): Promise<FilterWithParts[]> {
  let q = db.selectFrom("filters").selectAll().where("actor_id", "=", actorId);
  if (options.id) q = q.where("id", "=", options.id);
  if (options.activeOnly) q = q.where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]));
  const filters = await q.orderBy("id").execute();
  if (filters.length === 0) return [];
  const ids = filters.map((f) => f.id);
  const [keywords, statuses] = await Promise.all([
    db.selectFrom("filter_keywords").selectAll().where("filter_id", "in", ids).orderBy("id").execute(),
    db.selectFrom("filter_statuses").selectAll().where("filter_id", "in", ids).orderBy("id").execute(),
  ]);
  return filters.map((filter) => ({
    filter: { ...filter, contexts: typeof filter.contexts === "string" ? JSON.parse(filter.contexts) : filter.contexts },
    keywords: keywords.filter((k) => k.filter_id === filter.id),
    statuses: statuses.filter((s) => s.filter_id === filter.id),
  }));
}

/** The filter that owns a keyword or a filtered status, if it is the account's. */
export async function filterIdOfPart(db: Db, actorId: string, table: "filter_keywords" | "filter_statuses", id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom(table)
    .innerJoin("filters", "filters.id", `${table}.filter_id`)
    .select("filters.id as filter_id")
    .where(`${table}.id`, "=", id)
    .where("filters.actor_id", "=", actorId)
    .executeTakeFirst();
  return row?.filter_id;
}
