// Pinned posts of an account's profile.
import type { Kysely, Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function addPin(db: Db, actorId: string, postId: string): Promise<void> {
  await db
    .insertInto("status_pins")
    .values({ id: newId(), actor_id: actorId, post_id: postId })
    .onConflict((oc) => oc.columns(["actor_id", "post_id"]).doNothing())
    .execute();
}

export async function removePin(db: Db, actorId: string, postId: string): Promise<void> {
  await db.deleteFrom("status_pins").where("actor_id", "=", actorId).where("post_id", "=", postId).execute();
}

export async function countPins(db: Db, actorId: string): Promise<number> {
  const row = await db
    .selectFrom("status_pins")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("actor_id", "=", actorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Pinned post ids of an account, most recently pinned first. */
export async function pinnedPostIds(db: Db, actorId: string): Promise<string[]> {
  const rows = await db.selectFrom("status_pins").select("post_id").where("actor_id", "=", actorId).orderBy("id", "desc").execute();
  return rows.map((r) => r.post_id);
}
