// Who is here and whom one knows: followers of an account that the viewer
// follows too, this instance's people, and the other servers seen so far.
import { sql, type Kysely } from "kysely";
import type { ActorRow, Database } from "../schema.ts";

/** Accounts that follow `targetId` and that `viewerId` follows. */
export async function familiarFollowers(db: Kysely<Database>, viewerId: string, targetId: string, limit: number): Promise<ActorRow[]> {
  return db
    .selectFrom("actors")
    .selectAll("actors")
    .where("actors.id", "in", db.selectFrom("follows").select("follower_id").where("followee_id", "=", targetId).where("state", "=", "accepted"))
    .where("actors.id", "in", db.selectFrom("follows").select("followee_id").where("follower_id", "=", viewerId).where("state", "=", "accepted"))
    .orderBy("actors.id", "desc")
    .limit(limit)
    .execute();
}

/** People with an account here (not suspended), newest or most recently active first. */
export async function localPeople(db: Kysely<Database>, order: "new" | "active", limit: number, offset: number): Promise<ActorRow[]> {
  const lastPost = sql`(select max(p.published_at) from posts p where p.author_id = actors.id)`;
  return db
    .selectFrom("actors")
    .innerJoin("users", "users.actor_id", "actors.id")
    .selectAll("actors")
    .where("users.suspended_at", "is", null)
    .where("actors.type", "=", "Person")
    .orderBy(order === "active" ? sql`${lastPost} desc nulls last` : sql`actors.created_at desc`)
    .orderBy("actors.id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Domains of the remote actors this instance knows. */
export async function knownPeers(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom("actors").select("domain").distinct().where("is_local", "=", false).orderBy("domain").execute();
  return rows.map((r) => r.domain);
}

/** Notifications newer than an id (the notifications marker). */
export async function countNotificationsAfter(db: Kysely<Database>, recipientId: string, afterId: string | null, cap: number): Promise<number> {
  let q = db.selectFrom("notifications").select("id").where("recipient_id", "=", recipientId).where("dismissed_at", "is", null);
  if (afterId) q = q.where("id", ">", afterId);
  const rows = await q.limit(cap).execute();
  return rows.length;
}
