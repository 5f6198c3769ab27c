// The durable record of incoming activity ids. Recording happens before an
// activity is applied; a second delivery of the same id finds the row and is
// skipped, however long after the first it arrives. Ids are recorded per
// origin of the actor that said them, so no server can claim another's; an
// activity a group relayed is recorded under the relay (`recordedOrigin`),
// since the group's word is not the actor's and must not use up the id the
// actor's own delivery needs (finding 51).
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";
import { originOf } from "../../domain/trust.rules.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface LoggedActivity {
  uri: string;
  type: string;
  actorUri: string;
  /** Set for a relayed activity: the key of the relay that vouched for it. */
  recordedOrigin?: string;
}

/** The origin half of the log key: who answers for this id. */
export function loggedOrigin(activity: LoggedActivity): string {
  return activity.recordedOrigin ?? originOf(activity.actorUri) ?? "";
}

/** Returns true when this id was not seen before (and is now recorded). */
export async function recordIncomingActivity(db: Db, activity: LoggedActivity): Promise<boolean> {
  const inserted = await db
    .insertInto("inbox_activities")
    .values({ origin: loggedOrigin(activity), activity_uri: activity.uri, type: activity.type, actor_uri: activity.actorUri })
    .onConflict((oc) => oc.columns(["origin", "activity_uri"]).doNothing())
    .returning("activity_uri")
    .executeTakeFirst();
  return inserted !== undefined;
}
