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
}

export type ApplyResult<T> = { applied: true; value: T } | { applied: false };

export async function applyOnce<T>(
  ctx: ServiceContext,
  activity: IncomingActivity,
  apply: (trx: Transaction<Database>) => Promise<T>,
): Promise<ApplyResult<T>> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const fresh = await recordIncomingActivity(trx, activity);
    if (!fresh) return { applied: false } as const;
    return { applied: true, value: await apply(trx) } as const;
  });
  if (!result.applied) ctx.logger.debug({ activity: activity.uri }, "duplicate activity ignored");
  return result;
}
