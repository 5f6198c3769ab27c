// Reports (Flag) for moderators and admins, and cross-posts: a post shared
// from one group into another.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("activity_uri", "text", (c) => c.notNull().unique())
    .addColumn("reporter_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("target_id", "text", (c) => c.references("actors.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("post_uris", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("comment", "text")
    .addColumn("is_local", "boolean", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("resolved_at", "timestamptz")
    .execute();
  await sql`create index reports_open_idx on reports (created_at) where resolved_at is null`.execute(db);

  await db.schema
    .createTable("post_shares")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("sharer_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("activity_uri", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("post_shares_once_uq", ["post_id", "group_id"])
    .execute();
  await sql`create index post_shares_group_idx on post_shares (group_id, id desc)`.execute(db);
}
