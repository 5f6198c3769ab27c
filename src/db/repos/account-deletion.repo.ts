// Deleting a local account: the actor is marked gone (served as a Tombstone,
// 410) and the account can no longer sign in; who must hear of it is read
// before its follows are removed.
import type { Kysely, Transaction } from "kysely";
import type { ActorRow, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function markLocalAccountDeleted(db: Db, actorId: string): Promise<void> {
  const now = new Date();
  await db.updateTable("actors").set({ gone_at: now, updated_at: now }).where("id", "=", actorId).where("is_local", "=", true).execute();
  await db.updateTable("users").set({ suspended_at: now, password_hash: null, updated_at: now }).where("actor_id", "=", actorId).execute();
  await db
    .updateTable("api_tokens")
    .set({ revoked_at: now })
    .where("user_id", "in", db.selectFrom("users").select("id").where("actor_id", "=", actorId))
    .execute();
}

/** Remote actors the account followed (people and groups): they hear the Delete besides its followers. */
export async function remoteFolloweesOf(db: Db, actorId: string): Promise<ActorRow[]> {
  return db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.followee_id")
    .selectAll("actors")
    .where("follows.follower_id", "=", actorId)
    .where("actors.is_local", "=", false)
    .execute();
}

export async function deleteFollowsOf(db: Db, actorId: string): Promise<void> {
  await db
    .deleteFrom("follows")
    .where((eb) => eb.or([eb("follower_id", "=", actorId), eb("followee_id", "=", actorId)]))
    .execute();
}
