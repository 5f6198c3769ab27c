// Blocks federate as Mastodon's do: a block made here keeps the id of the
// Block activity it sent (its Undo names it), and a block received from
// another server is stored as the Block it was, so its Undo can find it.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("account_blocks").addColumn("activity_uri", "text").execute();
  await sql`create unique index account_blocks_activity_uq on account_blocks (activity_uri) where activity_uri is not null`.execute(db);
}
