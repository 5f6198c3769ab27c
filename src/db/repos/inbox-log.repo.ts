// The durable record of incoming activity ids. Recording happens before an
// activity is applied; a second delivery of the same id finds the row and is
// skipped, however long after the first it arrives.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Returns true when this id was not seen before (and is now recorded). */
export async function recordIncomingActivity(
  db: Db,
  activity: { uri: string; type: string; actorUri: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto("inbox_activities")
    .values({ activity_uri: activity.uri, type: activity.type, actor_uri: activity.actorUri })
    .onConflict((oc) => oc.column("activity_uri").doNothing())
    .returning("activity_uri")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function forgetIncomingActivity(db: Db, uri: string): Promise<void> {
  await db.deleteFrom("inbox_activities").where("activity_uri", "=", uri).execute();
}
