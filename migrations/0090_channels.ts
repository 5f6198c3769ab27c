// Channels (issue 17): outgoing mail kept durably, one-time mail tokens,
// notification preferences per person and kind, the per-notification mark the
// mail and push workers keep, and Mastodon push subscriptions.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column email_verified_at timestamptz`.execute(db);
  await sql`alter table users add column email_bounced_at timestamptz`.execute(db);

  // Every mail we send or keep. Without ECOTONE_SMTP_URL a mail stays here
  // with status "kept" and admins read it on the Outgoing mail page.
  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("recipient_id", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("headers", "jsonb", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("sent_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index mail_outbox_created_idx on mail_outbox (created_at desc)`.execute(db);

  // Email verification and password reset links: only the hash is stored,
  // each is used once and expires.
  await db.schema
    .createTable("mail_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index mail_tokens_user_idx on mail_tokens (user_id, purpose, created_at desc)`.execute(db);

  // Only what differs from the defaults is stored.
  await db.schema
    .createTable("notification_preferences")
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("email", "boolean", (c) => c.notNull())
    .addPrimaryKeyConstraint("notification_preferences_pk", ["actor_id", "kind"])
    .execute();

  // Which notifications the mail and push workers still have to look at;
  // written in the transaction that recorded the notification.
  await db.schema
    .createTable("notification_channels")
    .addColumn("notification_id", "text", (c) => c.primaryKey().references("notifications.id").onDelete("cascade"))
    .addColumn("recipient_id", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("mailed_at", "timestamptz")
    .addColumn("pushed_at", "timestamptz")
    .execute();
  await sql`create index notification_channels_mail_idx on notification_channels (recipient_id, created_at) where mailed_at is null`.execute(db);
  await sql`create index notification_channels_push_idx on notification_channels (created_at) where pushed_at is null`.execute(db);

  // Mastodon push: one subscription per access token.
  await db.schema
    .createTable("push_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_id", "text", (c) => c.notNull().unique().references("api_tokens.id").onDelete("cascade"))
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("endpoint", "text", (c) => c.notNull())
    .addColumn("p256dh", "text", (c) => c.notNull())
    .addColumn("auth", "text", (c) => c.notNull())
    .addColumn("alerts", "jsonb", (c) => c.notNull())
    .addColumn("policy", "text", (c) => c.notNull().defaultTo("all"))
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index push_subscriptions_actor_idx on push_subscriptions (actor_id)`.execute(db);
}
