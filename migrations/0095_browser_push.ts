// Browser push for our own web interface: a subscription belongs to a browser
// session instead of an app's token (signing out ends it, by the cascade), and
// is sent through the same worker, keys and encryption as Mastodon push.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("push_subscriptions")
    .alterColumn("token_id", (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable("push_subscriptions")
    .addColumn("session_hash", "text", (c) => c.unique().references("sessions.id_hash").onDelete("cascade"))
    .execute();
}
