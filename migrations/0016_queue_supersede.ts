// Queued deliveries an edit makes obsolete: an Update of an object carries
// its whole new state, so an older Update of the same object to the same
// inbox that has not left yet can be dropped when a newer one is queued.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("fedify_queue").addColumn("supersede_key", "text").execute();
  await sql`create index fedify_queue_supersede_idx on fedify_queue (queue, supersede_key) where supersede_key is not null`.execute(db);
}
