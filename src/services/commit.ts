// The one way a use case commits: the writes and their outbox events in one
// transaction, then the outbox is woken so the events leave at once (a crash
// in between loses nothing: the outbox finds them on its next poll).
import type { Transaction } from "kysely";
import type { Database } from "../db/schema.ts";
import type { ServiceContext } from "./context.ts";

export async function commitAndWake<T>(ctx: ServiceContext, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction().execute(work);
  ctx.onOutboxEvent?.();
  return result;
}
