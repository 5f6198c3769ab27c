// The transactional outbox: a service writes its change and an outbox event
// in one transaction; the federation outbox turns events into activities on
// the durable queue. A crash between commit and send loses nothing.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("outbox_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("claimed_until", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("processed_at", "timestamptz")
    .execute();
  await sql`create index outbox_events_pending_idx on outbox_events (id) where processed_at is null`.execute(db);
}
