// Mastodon's conversations: each local participant of a direct thread has
// one row (unread or read); removing it hides the thread until a new direct
// message arrives in it.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("conversations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("thread_uri", "text", (c) => c.notNull())
    .addColumn("unread", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("conversations_owner_thread_uq", ["owner_id", "thread_uri"])
    .execute();
  // The newest direct post of a thread is looked up per conversation.
  await sql`create index if not exists posts_direct_thread_idx on posts (thread_uri, id) where visibility = 'direct'`.execute(db);
}
