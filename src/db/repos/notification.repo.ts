// Notifications, bookmarks and markers.
import { sql, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";
import { silencedNotifierIds } from "../queries/hidden.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Records a notification for a local person in one statement, and when
 * `channels` marks it for the mail and push workers in the same one (a like's
 * notification was three: the recipient read, the insert, the mark). Nothing
 * when the recipient is not a local person, or the same notification exists.
 */
export async function recordNotification(
  db: Db,
  n: { recipientId: string; type: string; fromId: string; postId: string | null; groupId: string | null; channels: boolean },
): Promise<void> {
  await sql`
    with recorded as (
      insert into notifications (id, recipient_id, type, from_id, post_id, group_id)
      select ${newId()}, a.id, ${n.type}, ${n.fromId}, ${n.postId}, ${n.groupId}
      from actors a where a.id = ${n.recipientId} and a.is_local and a.type = 'Person'
      on conflict do nothing returning id, recipient_id)
    insert into notification_channels (notification_id, recipient_id)
    select id, recipient_id from recorded where ${n.channels}
    on conflict do nothing`.execute(db);
}

export async function listNotifications(
  db: Db,
  recipientId: string,
  options: { types?: string[]; excludeTypes?: string[]; maxId?: string; sinceId?: string; minId?: string; limit: number },
) {
  let query = db
    .selectFrom("notifications")
    .selectAll()
    .where("recipient_id", "=", recipientId)
    .where("dismissed_at", "is", null)
    .where("from_id", "not in", silencedNotifierIds(db as Kysely<Database>, recipientId));
  if (options.types?.length) query = query.where("type", "in", options.types);
  if (options.excludeTypes?.length) query = query.where("type", "not in", options.excludeTypes);
  if (options.maxId) query = query.where("id", "<", options.maxId);
  if (options.sinceId) query = query.where("id", ">", options.sinceId);
  if (options.minId) {
    const rows = await query.where("id", ">", options.minId).orderBy("id", "asc").limit(options.limit).execute();
    return rows.reverse();
  }
  return query.orderBy("id", "desc").limit(options.limit).execute();
}

export async function dismissNotification(db: Db, recipientId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable("notifications")
    .set({ dismissed_at: new Date() })
    .where("recipient_id", "=", recipientId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function clearNotifications(db: Db, recipientId: string): Promise<void> {
  await db.updateTable("notifications").set({ dismissed_at: new Date() }).where("recipient_id", "=", recipientId).where("dismissed_at", "is", null).execute();
}

export async function addBookmark(db: Db, actorId: string, postId: string): Promise<void> {
  await db
    .insertInto("bookmarks")
    .values({ id: newId(), actor_id: actorId, post_id: postId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeBookmark(db: Db, actorId: string, postId: string): Promise<void> {
  await db.deleteFrom("bookmarks").where("actor_id", "=", actorId).where("post_id", "=", postId).execute();
}

export async function listBookmarkedPostIds(db: Db, actorId: string, options: { maxId?: string; limit: number }) {
  let query = db.selectFrom("bookmarks").select(["id", "post_id"]).where("actor_id", "=", actorId);
  if (options.maxId) query = query.where("id", "<", options.maxId);
  return query.orderBy("id", "desc").limit(options.limit).execute();
}

export async function bookmarkedAmong(db: Db, actorId: string, postIds: string[]): Promise<Set<string>> {
  if (postIds.length === 0) return new Set();
  const rows = await db.selectFrom("bookmarks").select("post_id").where("actor_id", "=", actorId).where("post_id", "in", postIds).execute();
  return new Set(rows.map((r) => r.post_id));
}

export async function readMarkers(db: Db, actorId: string) {
  return db.selectFrom("markers").selectAll().where("actor_id", "=", actorId).execute();
}

export async function writeMarker(db: Db, actorId: string, timeline: string, lastReadId: string): Promise<void> {
  await db
    .insertInto("markers")
    .values({ actor_id: actorId, timeline, last_read_id: lastReadId })
    .onConflict((oc) =>
      oc.columns(["actor_id", "timeline"]).doUpdateSet({ last_read_id: lastReadId, version: sql`markers.version + 1`, updated_at: new Date() }),
    )
    .execute();
}

export async function findNotification(db: Db, recipientId: string, id: string) {
  return db
    .selectFrom("notifications")
    .selectAll()
    .where("recipient_id", "=", recipientId)
    .where("id", "=", id)
    .where("dismissed_at", "is", null)
    .executeTakeFirst();
}

/** How many notifications came after `afterId` (all of them when null), up to `cap`. */
export async function countNotificationsAfter(db: Db, recipientId: string, afterId: string | null, cap: number): Promise<number> {
  let query = db.selectFrom("notifications").select("id").where("recipient_id", "=", recipientId).where("dismissed_at", "is", null);
  if (afterId) query = query.where("id", ">", afterId);
  // Counted in the database over at most `cap` rows: one row comes back, not the capped list.
  const row = await db
    .selectFrom(query.orderBy("id", "desc").limit(cap).as("capped"))
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
