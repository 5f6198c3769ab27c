// Mastodon push subscriptions: one per access token (a new POST replaces it).
import type { Kysely, Selectable, Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { PushSubscriptionsTable } from "../schema.channels.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;
export type PushSubscriptionRow = Selectable<PushSubscriptionsTable>;

export async function replacePushSubscription(
  db: Db,
  row: {
    tokenId: string;
    actorId: string;
    endpoint: string;
    p256dh: string;
    auth: string;
    alerts: Record<string, boolean>;
    policy: string;
    accessTokenSealed: string | null;
  },
): Promise<PushSubscriptionRow> {
  const values = {
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    alerts: JSON.stringify(row.alerts),
    policy: row.policy,
    failures: 0,
    access_token_sealed: row.accessTokenSealed,
  };
  return (
    db
      .insertInto("push_subscriptions")
      .values({ id: newId(), token_id: row.tokenId, actor_id: row.actorId, ...values })
      // A new subscription for the same token replaces the old one, with a new id (as Mastodon does).
      .onConflict((oc) => oc.column("token_id").doUpdateSet({ id: newId(), ...values }))
      .returningAll()
      .executeTakeFirstOrThrow()
  );
}

export async function findPushSubscription(db: Db, tokenId: string): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom("push_subscriptions").selectAll().where("token_id", "=", tokenId).executeTakeFirst();
}

export async function updatePushSubscriptionData(
  db: Db,
  tokenId: string,
  data: { alerts: Record<string, boolean>; policy: string },
): Promise<PushSubscriptionRow | undefined> {
  return db
    .updateTable("push_subscriptions")
    .set({ alerts: JSON.stringify(data.alerts), policy: data.policy })
    .where("token_id", "=", tokenId)
    .returningAll()
    .executeTakeFirst();
}

export async function deletePushSubscription(db: Db, tokenId: string): Promise<void> {
  await db.deleteFrom("push_subscriptions").where("token_id", "=", tokenId).execute();
}

export async function deletePushSubscriptionById(db: Db, id: string): Promise<void> {
  await db.deleteFrom("push_subscriptions").where("id", "=", id).execute();
}

/**
 * The subscriptions of a person whose token (an app's) or browser session
 * (ours) is still valid, and whose account is not suspended (as mail and
 * digests ask: a suspended account is reached by no channel).
 */
export async function pushSubscriptionsOf(db: Db, actorId: string): Promise<PushSubscriptionRow[]> {
  const now = new Date();
  return db
    .selectFrom("push_subscriptions as s")
    .innerJoin("users as u", "u.actor_id", "s.actor_id")
    .leftJoin("api_tokens as t", "t.id", "s.token_id")
    .leftJoin("sessions as w", "w.id_hash", "s.session_hash")
    .selectAll("s")
    .where("s.actor_id", "=", actorId)
    .where("u.suspended_at", "is", null)
    .where((eb) =>
      eb.or([
        eb.and([eb("t.id", "is not", null), eb("t.revoked_at", "is", null), eb.or([eb("t.expires_at", "is", null), eb("t.expires_at", ">", now)])]),
        eb.and([eb("w.id_hash", "is not", null), eb("w.expires_at", ">", now)]),
      ]),
    )
    .execute();
}

/** A browser session's subscription, replacing the one it had (a browser gives a new endpoint now and then). */
export async function replaceBrowserPushSubscription(
  db: Db,
  row: { sessionHash: string; actorId: string; endpoint: string; p256dh: string; auth: string; alerts: Record<string, boolean> },
): Promise<PushSubscriptionRow> {
  const values = { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth, alerts: JSON.stringify(row.alerts), policy: "all", failures: 0 };
  return db
    .insertInto("push_subscriptions")
    .values({ id: newId(), token_id: null, session_hash: row.sessionHash, actor_id: row.actorId, ...values })
    .onConflict((oc) => oc.column("session_hash").doUpdateSet({ id: newId(), ...values }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findBrowserPushSubscription(db: Db, sessionHash: string): Promise<PushSubscriptionRow | undefined> {
  return db.selectFrom("push_subscriptions").selectAll().where("session_hash", "=", sessionHash).executeTakeFirst();
}

export async function deleteBrowserPushSubscription(db: Db, sessionHash: string): Promise<void> {
  await db.deleteFrom("push_subscriptions").where("session_hash", "=", sessionHash).execute();
}

export async function countPushFailure(db: Db, id: string): Promise<number> {
  const row = await db
    .updateTable("push_subscriptions")
    .set((eb) => ({ failures: eb("failures", "+", 1) }))
    .where("id", "=", id)
    .returning("failures")
    .executeTakeFirst();
  return row?.failures ?? 0;
}

export async function clearPushFailures(db: Db, id: string): Promise<void> {
  await db.updateTable("push_subscriptions").set({ failures: 0 }).where("id", "=", id).where("failures", ">", 0).execute();
}

/** Whether `followerId` follows `followeeId` (accepted): push policies "followed" and "follower". */
export async function follows(db: Db, followerId: string, followeeId: string): Promise<boolean> {
  const row = await db
    .selectFrom("follows")
    .select("id")
    .where("follower_id", "=", followerId)
    .where("followee_id", "=", followeeId)
    .where("state", "=", "accepted")
    .executeTakeFirst();
  return row !== undefined;
}
