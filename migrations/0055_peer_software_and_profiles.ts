// What other servers run (read from their NodeInfo), so each is sent the
// shapes it understands (docs/adr/0055); and the profile parts Mastodon-family
// servers show: a header image and PropertyValue fields.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("peer_software")
    .addColumn("host", "text", (c) => c.primaryKey())
    // null: the server published no NodeInfo we could read.
    .addColumn("software", "text")
    .addColumn("version", "text")
    .addColumn("checked_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.alterTable("actors").addColumn("header_url", "text").execute();
  await db.schema.alterTable("actors").addColumn("fields", "jsonb").execute();
}
