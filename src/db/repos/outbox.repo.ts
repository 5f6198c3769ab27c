// Outbox events: recorded inside a service's transaction, claimed by the
// federation outbox with a lease (so a crashed process's claim expires and the
// event is sent again), and marked processed after the activities are queued.
import { sql, type Kysely, type Transaction } from "kysely";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { Database, OutboxEventRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function recordOutboxEvent(db: Db, event: OutboxEvent): Promise<void> {
  await db
    .insertInto("outbox_events")
    .values({ type: event.type, payload: JSON.stringify(event) })
    .execute();
}

export async function claimOutboxEvents(db: Kysely<Database>, limit: number, leaseMs: number): Promise<OutboxEventRow[]> {
  const result = await sql<OutboxEventRow>`
    update outbox_events set claimed_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1
    where id in (
      select id from outbox_events
      where processed_at is null and (claimed_until is null or claimed_until < now())
      order by id limit ${limit}
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows.sort((a, b) => a.id - b.id);
}

export async function markOutboxEventProcessed(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable("outbox_events").set({ processed_at: new Date(), last_error: null }).where("id", "=", id).execute();
}

/** Marks several events processed in one statement (an edit sent with the older edits it replaces). */
export async function markOutboxEventsProcessed(db: Kysely<Database>, ids: number[]): Promise<void> {
  if (ids.length === 1) return markOutboxEventProcessed(db, ids[0]!);
  await db.updateTable("outbox_events").set({ processed_at: new Date(), last_error: null }).where("id", "in", ids).execute();
}

export async function markOutboxEventFailed(db: Kysely<Database>, id: number, error: string, retryInMs: number): Promise<void> {
  await db
    .updateTable("outbox_events")
    .set({ last_error: error.slice(0, 1000), claimed_until: sql`now() + ${`${retryInMs} milliseconds`}::interval` })
    .where("id", "=", id)
    .execute();
}

export async function countPendingOutboxEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("outbox_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("processed_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The event behind an activity id we minted (/activities/{key}). */
export async function findOutboxEventByKey(db: Db, key: string): Promise<OutboxEventRow | undefined> {
  return db.selectFrom("outbox_events").selectAll().where("activity_key", "=", key).executeTakeFirst();
}
