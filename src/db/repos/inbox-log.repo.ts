// The durable record of incoming activity ids. Recording happens before an
// activity is applied; a second delivery of the same id finds the row and is
// skipped, however long after the first it arrives. Ids are recorded per
// origin of the actor that said them, so no server can claim another's.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";
import { originOf } from "../../domain/trust.rules.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Returns true when this id was not seen before (and is now recorded). */
export async function recordIncomingActivity(db: Db, activity: { uri: string; type: string; actorUri: string }): Promise<boolean> {
  const inserted = await db
    .insertInto("inbox_activities")
    .values({ origin: originOf(activity.actorUri) ?? "", activity_uri: activity.uri, type: activity.type, actor_uri: activity.actorUri })
    .onConflict((oc) => oc.columns(["origin", "activity_uri"]).doNothing())
    .returning("activity_uri")
    .executeTakeFirst();
  return inserted !== undefined;
}
