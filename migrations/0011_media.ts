// Media attachments: uploaded files (kept on local disk under the data
// directory) and remote attachments (kept as links).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("media_attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("post_id", "text", (c) => c.references("posts.id").onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("mime_type", "text", (c) => c.notNull())
    .addColumn("file_name", "text")
    .addColumn("remote_url", "text")
    .addColumn("size", "integer")
    .addColumn("width", "integer")
    .addColumn("height", "integer")
    .addColumn("description", "text")
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index media_post_idx on media_attachments (post_id, position)`.execute(db);
}
