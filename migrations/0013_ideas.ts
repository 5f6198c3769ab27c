// Idea boards: an idea is a titled post in a group; members vote with Likes;
// the group's moderators answer with a status and a reason, kept as history.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ideas")
    .addColumn("post_id", "text", (c) => c.primaryKey().references("posts.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("open"))
    .addColumn("status_reason", "text")
    .addColumn("duplicate_of", "text")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index ideas_group_idx on ideas (group_id)`.execute(db);

  await db.schema
    .createTable("idea_status_history")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("by_id", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index idea_history_post_idx on idea_status_history (post_id, created_at)`.execute(db);
}
