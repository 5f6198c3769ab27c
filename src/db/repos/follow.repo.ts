// Follow relationships between any two actors (local or remote).
import type { Kysely, Transaction } from "kysely";
import type { Database, FollowRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface NewFollow {
  id: string;
  followerId: string;
  followeeId: string;
  state: "pending" | "accepted";
  activityUri: string;
}

/** Inserts a follow; returns the existing row when the pair already follows. */
export async function insertFollow(db: Db, follow: NewFollow): Promise<{ row: FollowRow; created: boolean }> {
  const inserted = await db
    .insertInto("follows")
    .values({
      id: follow.id,
      follower_id: follow.followerId,
      followee_id: follow.followeeId,
      state: follow.state,
      activity_uri: follow.activityUri,
      accepted_at: follow.state === "accepted" ? new Date() : null,
    })
    .onConflict((oc) => oc.columns(["follower_id", "followee_id"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const existing = await findFollowByPair(db, follow.followerId, follow.followeeId);
  if (!existing) throw new Error("follow vanished during insert");
  return { row: existing, created: false };
}

export async function findFollowByPair(db: Db, followerId: string, followeeId: string): Promise<FollowRow | undefined> {
  return db.selectFrom("follows").selectAll().where("follower_id", "=", followerId).where("followee_id", "=", followeeId).executeTakeFirst();
}

export async function findFollowByActivityUri(db: Db, activityUri: string): Promise<FollowRow | undefined> {
  return db.selectFrom("follows").selectAll().where("activity_uri", "=", activityUri).executeTakeFirst();
}

export async function findFollowById(db: Db, id: string): Promise<FollowRow | undefined> {
  return db.selectFrom("follows").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function markFollowAccepted(db: Db, id: string): Promise<FollowRow | undefined> {
  return db.updateTable("follows").set({ state: "accepted", accepted_at: new Date() }).where("id", "=", id).returningAll().executeTakeFirst();
}

export async function deleteFollow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("follows").where("id", "=", id).execute();
}

/** Replaces the activity id of a follow (a re-sent Follow from the same pair). */
export async function updateFollowActivityUri(db: Db, id: string, activityUri: string): Promise<void> {
  await db.updateTable("follows").set({ activity_uri: activityUri }).where("id", "=", id).execute();
}
