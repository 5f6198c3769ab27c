// Applying an incoming activity exactly once. The activity id is recorded in
// the same transaction as its effects: a duplicate delivery finds the id and
// does nothing, and a failed apply leaves no record, so a retry still works.
import type { Transaction } from "kysely";
import { recordIncomingActivity } from "../db/repos/inbox-log.repo.ts";
import type { Database } from "../db/schema.ts";
import type { ServiceContext } from "./context.ts";

export interface IncomingActivity {
  uri: string;
  type: string;
  actorUri: string;
  /** For an activity a group relayed: logged under the relay, not the actor (finding 51). */
  recordedOrigin?: string;
}

export type ApplyResult<T> = { applied: true; value: T } | { applied: false };

/**
 * Records the activity in the inbox log inside `trx`; false when it was
 * recorded before (a duplicate). For services that own a larger transaction
 * (task-home.service.ts); the rest use `applyOnce`.
 */
export async function recordFirstDelivery(trx: Transaction<Database>, activity: IncomingActivity): Promise<boolean> {
  return recordIncomingActivity(trx, activity);
}

export async function applyOnce<T>(
  ctx: ServiceContext,
  activity: IncomingActivity,
  apply: (trx: Transaction<Database>) => Promise<T>,
): Promise<ApplyResult<T>> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const fresh = await recordFirstDelivery(trx, activity);
    if (!fresh) return { applied: false } as const;
    return { applied: true, value: await apply(trx) } as const;
  });
  if (!result.applied) ctx.logger.debug({ activity: activity.uri }, "duplicate activity ignored");
  return result;
}
