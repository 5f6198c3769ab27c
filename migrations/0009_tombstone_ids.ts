// Remember which local post id a tombstone replaced, so streaming clients
// can be told which status to remove.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tombstones").addColumn("post_id", "text").execute();
  await sql`create index tombstones_deleted_idx on tombstones (deleted_at)`.execute(db);
}
