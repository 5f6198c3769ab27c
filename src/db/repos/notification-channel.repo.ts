// What the mail and push workers read about notifications: the per-
// notification marks (notification_channels) and each person's email
// preferences per kind.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface ChannelNotification {
  id: string;
  recipient_id: string;
  type: string;
  from_id: string;
  post_id: string | null;
  group_id: string | null;
  created_at: Date;
  dismissed_at?: Date | null;
}

/**
 * The unmailed notifications of one recipient whose oldest one is older than
 * `quietBefore` (read only: `markMailed` takes them).
 */
export async function peekMailBatch(db: Db, quietBefore: Date): Promise<ChannelNotification[]> {
  const first = await db
    .selectFrom("notification_channels")
    .select("recipient_id")
    .where("mailed_at", "is", null)
    .where("created_at", "<=", quietBefore)
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  if (!first) return [];
  return db
    .selectFrom("notification_channels as c")
    .innerJoin("notifications as n", "n.id", "c.notification_id")
    .select(["n.id", "n.recipient_id", "n.type", "n.from_id", "n.post_id", "n.group_id", "n.created_at", "n.dismissed_at"])
    .where("c.recipient_id", "=", first.recipient_id)
    .where("c.mailed_at", "is", null)
    .orderBy("n.id")
    .limit(200)
    .execute();
}

/**
 * Marks these notifications mailed; returns the ones this call marked (a
 * second worker racing for the same batch gets none of them), so the mail
 * written in the same transaction is written once.
 */
export async function markMailed(trx: Transaction<Database>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await trx
    .updateTable("notification_channels")
    .set({ mailed_at: new Date() })
    .where("notification_id", "in", ids)
    .where("mailed_at", "is", null)
    .returning("notification_id")
    .execute();
  return new Set(rows.map((r) => r.notification_id));
}

/** Takes the next notifications no push worker has looked at yet. */
export async function takePushBatch(db: Kysely<Database>, limit: number): Promise<ChannelNotification[]> {
  const taken = await sql<{ notification_id: string }>`
    update notification_channels set pushed_at = now()
    where notification_id in (
      select notification_id from notification_channels where pushed_at is null
      order by created_at limit ${limit} for update skip locked)
    returning notification_id`.execute(db);
  const ids = taken.rows.map((r) => r.notification_id);
  if (ids.length === 0) return [];
  return db
    .selectFrom("notifications")
    .select(["id", "recipient_id", "type", "from_id", "post_id", "group_id", "created_at"])
    .where("id", "in", ids)
    .where("dismissed_at", "is", null)
    .orderBy("id")
    .execute();
}

export async function readEmailPreferences(db: Db, actorId: string): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom("notification_preferences").select(["kind", "email"]).where("actor_id", "=", actorId).execute();
  return new Map(rows.map((r) => [r.kind, r.email]));
}

export async function writeEmailPreference(db: Db, actorId: string, kind: string, email: boolean): Promise<void> {
  await db
    .insertInto("notification_preferences")
    .values({ actor_id: actorId, kind, email })
    .onConflict((oc) => oc.columns(["actor_id", "kind"]).doUpdateSet({ email }))
    .execute();
}

export async function readDigestSettings(db: Db, actorId: string) {
  return db.selectFrom("digest_settings").selectAll().where("actor_id", "=", actorId).executeTakeFirst();
}

export async function writeDigestSettings(
  db: Db,
  actorId: string,
  s: { frequency: "off" | "daily" | "weekly"; timeZone: string; hour: number },
): Promise<void> {
  await db
    .insertInto("digest_settings")
    .values({ actor_id: actorId, frequency: s.frequency, time_zone: s.timeZone, hour: s.hour })
    .onConflict((oc) => oc.column("actor_id").doUpdateSet({ frequency: s.frequency, time_zone: s.timeZone, hour: s.hour }))
    .execute();
}

/** Everyone who wants a digest (the worker decides who is due in their own time zone). */
export async function listDigestSubscribers(db: Db) {
  return db.selectFrom("digest_settings").selectAll().where("frequency", "<>", "off").orderBy("actor_id").execute();
}

/** Marks a digest sent unless another worker did since `previous`; true when this call did. */
export async function markDigestSent(db: Db, actorId: string, previous: Date | null, at: Date): Promise<boolean> {
  let query = db.updateTable("digest_settings").set({ last_sent_at: at }).where("actor_id", "=", actorId);
  query = previous ? query.where("last_sent_at", "=", previous) : query.where("last_sent_at", "is", null);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
