// Webhook subscriptions, their delivery log, and the jobs that deliver them
// on the durable queue (fedify_queue, queue "webhooks"): a job row is written
// in the same transaction as its delivery, so a crash loses neither.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from "kysely";
import type { Database, WebhookDeliveriesTable, WebhooksTable } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

export const WEBHOOK_QUEUE = "webhooks";
/** The queue's LISTEN/NOTIFY channel (as PostgresMessageQueue names it), to wake workers after a commit. */
export const WEBHOOK_CHANNEL = `ecotone_queue_${WEBHOOK_QUEUE}`;

export async function insertWebhook(db: Db, row: Insertable<WebhooksTable>): Promise<WebhookRow> {
  return db.insertInto("webhooks").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every subscription (ownerId null: an admin's view) or one person's. */
export async function listWebhooks(db: Db, ownerId: string | null): Promise<WebhookRow[]> {
  let query = db.selectFrom("webhooks").selectAll().orderBy("created_at", "desc");
  if (ownerId) query = query.where("owner_id", "=", ownerId);
  return query.execute();
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.deleteFrom("webhooks").where("id", "=", id).execute();
}

export async function rotateWebhookSecret(db: Db, id: string, secret: string, previousUntil: Date): Promise<void> {
  await sql`update webhooks set previous_secret = secret, previous_secret_until = ${previousUntil}, secret = ${secret} where id = ${id}`.execute(db);
}

export async function setWebhookEnabled(db: Db, id: string, enabled: boolean, reason: string | null): Promise<void> {
  await db.updateTable("webhooks").set({ enabled, disabled_reason: reason, failing_since: null }).where("id", "=", id).execute();
}

/** Marks the start of a failing streak (kept when one is under way); returns the streak's start. */
export async function markWebhookFailing(db: Db, id: string): Promise<Date | null> {
  const row = await db
    .updateTable("webhooks")
    .set({ failing_since: sql`coalesce(failing_since, now())` })
    .where("id", "=", id)
    .returning("failing_since")
    .executeTakeFirst();
  return row?.failing_since ?? null;
}

export async function clearWebhookFailing(db: Db, id: string): Promise<void> {
  await db.updateTable("webhooks").set({ failing_since: null }).where("id", "=", id).where("failing_since", "is not", null).execute();
}

/** Enabled subscriptions that want `eventType` about `groupId` (or about everything). */
export async function matchingWebhooks(db: Db, eventType: string, groupId: string | null): Promise<WebhookRow[]> {
  let query = db
    .selectFrom("webhooks")
    .selectAll()
    .where("enabled", "=", true)
    .where(sql<boolean>`events @> ${JSON.stringify([eventType])}::jsonb`);
  query = groupId ? query.where((eb) => eb.or([eb("group_id", "is", null), eb("group_id", "=", groupId)])) : query.where("group_id", "is", null);
  return query.execute();
}

/**
 * Of these subscriptions, the ones whose owner may still hold them: an admin,
 * or (for a group's events) an owner of that group who is not banned from it;
 * either way not suspended. Who may subscribe is decided once, at creation; a
 * demotion, a departure or a ban since must end the flow of the group's content.
 */
export async function webhooksWithEntitledOwners(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("webhooks as w")
    .innerJoin("users as u", "u.actor_id", "w.owner_id")
    .select("w.id")
    .where("w.id", "in", ids)
    .where("u.suspended_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("u.role", "=", "admin"),
        eb.and([
          eb("w.group_id", "is not", null),
          eb.exists(
            eb
              .selectFrom("group_roles as r")
              .select("r.member_id")
              .whereRef("r.group_id", "=", "w.group_id")
              .whereRef("r.member_id", "=", "w.owner_id")
              .where("r.role", "=", "owner"),
          ),
          eb.not(
            eb.exists(
              eb.selectFrom("group_bans as b").select("b.member_id").whereRef("b.group_id", "=", "w.group_id").whereRef("b.member_id", "=", "w.owner_id"),
            ),
          ),
        ]),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertDelivery(db: Db, row: Insertable<WebhookDeliveriesTable>): Promise<void> {
  await db.insertInto("webhook_deliveries").values(row).execute();
}

export async function findDelivery(db: Db, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listDeliveries(db: Db, webhookId: string, limit: number, before: string | null): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom("webhook_deliveries").selectAll().where("webhook_id", "=", webhookId).orderBy("id", "desc").limit(limit);
  if (before) query = query.where("id", "<", before);
  return query.execute();
}

export async function recordDeliveryAttempt(
  db: Db,
  id: string,
  outcome: { status: "pending" | "delivered" | "failed"; statusCode: number | null; error: string | null; nextAttemptAt: Date | null },
): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({
      status: outcome.status,
      attempts: sql`attempts + 1`,
      last_status_code: outcome.statusCode,
      last_error: outcome.error?.slice(0, 500) ?? null,
      next_attempt_at: outcome.nextAttemptAt,
      ...(outcome.status === "delivered" ? { delivered_at: new Date() } : {}),
    })
    .where("id", "=", id)
    .execute();
}

export async function resetDeliveryForReplay(db: Db, id: string): Promise<void> {
  await db.updateTable("webhook_deliveries").set({ status: "pending", next_attempt_at: new Date(), last_error: null }).where("id", "=", id).execute();
}

/** Fails the deliveries of a subscription that still wait (it was disabled). */
export async function failPendingDeliveries(db: Db, webhookId: string, reason: string): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ status: "failed", last_error: reason, next_attempt_at: null })
    .where("webhook_id", "=", webhookId)
    .where("status", "=", "pending")
    .execute();
}

/** A delivery job on the durable queue, due after `delayMs`. */
export async function enqueueDeliveryJob(db: Db, deliveryId: string, delayMs: number): Promise<void> {
  await db
    .insertInto("fedify_queue")
    .values({
      queue: WEBHOOK_QUEUE,
      message: JSON.stringify({ webhookDeliveryId: deliveryId }),
      ordering_key: null,
      available_at: sql<Date>`now() + ${`${Math.max(0, Math.round(delayMs))} milliseconds`}::interval`,
    })
    .execute();
}

/** Outbox events the webhook fan-out has not looked at yet, oldest first, locked for this transaction. */
export async function claimEventsForWebhooks(trx: Transaction<Database>, limit: number) {
  const rows = await sql<{ id: number; payload: unknown; created_at: Date }>`
    select id, payload, created_at from outbox_events
    where webhooks_at is null
    order by id limit ${limit}
    for update skip locked`.execute(trx);
  return rows.rows;
}

export async function markEventsWebhooked(trx: Transaction<Database>, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable("outbox_events").set({ webhooks_at: new Date() }).where("id", "in", ids).execute();
}

/** Marks up to `limit` waiting events seen without reading them (nobody subscribes); returns how many. */
export async function skipEventsForWebhooks(db: Db, limit: number): Promise<number> {
  const result = await sql`
    update outbox_events set webhooks_at = now()
    where id in (select id from outbox_events where webhooks_at is null order by id limit ${limit} for update skip locked)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function hasWebhooks(db: Db): Promise<boolean> {
  return (await db.selectFrom("webhooks").select("id").where("enabled", "=", true).limit(1).executeTakeFirst()) !== undefined;
}

/** Forgets finished deliveries older than `before` (the log is kept for a while, not for ever). */
export async function deleteFinishedDeliveriesBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom("webhook_deliveries").where("status", "!=", "pending").where("created_at", "<", before).execute();
}
