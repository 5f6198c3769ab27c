// Filters (Mastodon's v2 filters): an account's keywords and statuses to
// warn about or hide, in the contexts it chooses.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("filters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("contexts", "jsonb", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull().defaultTo("warn"))
    .addColumn("expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index filters_actor_idx on filters (actor_id)`.execute(db);
  await db.schema
    .createTable("filter_keywords")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("keyword", "text", (c) => c.notNull())
    .addColumn("whole_word", "boolean", (c) => c.notNull().defaultTo(true))
    .execute();
  await db.schema
    .createTable("filter_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addUniqueConstraint("filter_statuses_once_uq", ["filter_id", "post_id"])
    .execute();
}
