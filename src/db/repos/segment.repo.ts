// Saved segments (migration 0081).
import type { Kysely, Transaction } from "kysely";
import type { SegmentFilter } from "../../domain/segment.rules.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface SegmentRow {
  id: string;
  owner_id: string;
  name: string;
  filter: SegmentFilter;
  created_at: Date;
}

export async function insertSegment(db: Db, row: { id: string; ownerId: string; name: string; filter: SegmentFilter }): Promise<void> {
  await db
    .insertInto("segments")
    .values({ id: row.id, owner_id: row.ownerId, name: row.name, filter: JSON.stringify(row.filter) })
    .execute();
}

export async function findSegment(db: Db, id: string): Promise<SegmentRow | null> {
  const row = await db.selectFrom("segments").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? ({ ...row, filter: row.filter as SegmentFilter } as SegmentRow) : null;
}

export async function listSegmentsOf(db: Db, ownerId: string | null): Promise<SegmentRow[]> {
  let q = db.selectFrom("segments").selectAll().orderBy("created_at", "desc").limit(200);
  if (ownerId) q = q.where("owner_id", "=", ownerId);
  return (await q.execute()).map((row) => ({ ...row, filter: row.filter as SegmentFilter }) as SegmentRow);
}

export async function deleteSegment(db: Db, id: string): Promise<void> {
  await db.deleteFrom("segments").where("id", "=", id).execute();
}
