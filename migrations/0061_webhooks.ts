// Outbound webhooks (subscriptions and their delivery log) and the
// Idempotency-Key store of the Ecotone API.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.references("actors.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", "jsonb", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_until", "timestamptz")
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("disabled_reason", "text")
    .addColumn("failing_since", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("next_attempt_at", "timestamptz")
    .addColumn("delivered_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, created_at desc)`.execute(db);

  // Which outbox events the webhook fan-out has looked at. Independent of the
  // federation outbox's processed_at: each consumer keeps its own mark.
  await sql`alter table outbox_events add column webhooks_at timestamptz`.execute(db);
  // Events from before webhooks existed are history, not news.
  await sql`update outbox_events set webhooks_at = now()`.execute(db);
  await sql`create index outbox_events_webhooks_idx on outbox_events (id) where webhooks_at is null`.execute(db);

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("caller_id", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("response_body", "text")
    .addColumn("content_type", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["caller_id", "key"])
    .execute();
  await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db);
}
