// Notifications for local accounts, bookmarks and timeline markers (what a
// client app last read).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("recipient_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("from_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("post_id", "text", (c) => c.references("posts.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("dismissed_at", "timestamptz")
    .execute();
  await sql`create unique index notifications_once_idx on notifications (recipient_id, type, from_id, coalesce(post_id, ''))`.execute(db);
  await sql`create index notifications_recipient_idx on notifications (recipient_id, id desc) where dismissed_at is null`.execute(db);

  await db.schema
    .createTable("bookmarks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("bookmarks_once_uq", ["actor_id", "post_id"])
    .execute();

  await db.schema
    .createTable("markers")
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("timeline", "text", (c) => c.notNull())
    .addColumn("last_read_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("markers_pk", ["actor_id", "timeline"])
    .execute();
}
