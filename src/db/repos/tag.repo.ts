// Followed and featured hashtags of an account.
import type { Kysely, Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;
type Table = "tag_follows" | "featured_tags";

export async function addTag(db: Db, table: Table, actorId: string, tag: string): Promise<{ id: string; tag: string }> {
  await db
    .insertInto(table)
    .values({ id: newId(), actor_id: actorId, tag })
    .onConflict((oc) => oc.columns(["actor_id", "tag"]).doNothing())
    .execute();
  return db.selectFrom(table).select(["id", "tag"]).where("actor_id", "=", actorId).where("tag", "=", tag).executeTakeFirstOrThrow();
}

export async function removeTag(db: Db, table: Table, actorId: string, tag: string): Promise<void> {
  await db.deleteFrom(table).where("actor_id", "=", actorId).where("tag", "=", tag).execute();
}

export async function removeTagById(db: Db, table: Table, actorId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom(table).where("actor_id", "=", actorId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function tagsOf(db: Db, table: Table, actorId: string, page: { maxId?: string | undefined; limit: number }) {
  let q = db.selectFrom(table).select(["id", "tag", "created_at"]).where("actor_id", "=", actorId);
  if (page.maxId) q = q.where("id", "<", page.maxId);
  return q.orderBy("id", "desc").limit(page.limit).execute();
}

export async function followedAmong(db: Db, actorId: string, tags: string[]): Promise<Set<string>> {
  if (tags.length === 0) return new Set();
  const rows = await db.selectFrom("tag_follows").select("tag").where("actor_id", "=", actorId).where("tag", "in", tags).execute();
  return new Set(rows.map((r) => r.tag));
}
