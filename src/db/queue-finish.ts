// Deleting a finished message: for a keyed one, the next message with its
// key becomes runnable in the same statement (ADR 0101). Only the worker
// holding the lease may delete it.
import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.ts";

export interface LeasedRow {
  id: number;
  message: unknown;
  ordering_key: string | null;
}

export async function deleteFinished(db: Kysely<Database>, row: LeasedRow, workerId: string): Promise<void> {
  if (row.ordering_key === null) {
    await db.deleteFrom("fedify_queue").where("id", "=", row.id).where("locked_by", "=", workerId).execute();
    return;
  }
  // One statement: the update does not see the delete (same snapshot),
  // hence `id <> row.id`.
  await sql`
    with gone as (delete from fedify_queue where id = ${row.id} and locked_by = ${workerId} returning id)
    update fedify_queue set blocked = false
    where blocked and id = (
      select min(id) from fedify_queue where ordering_key = ${row.ordering_key} and id <> ${row.id}
    ) and exists (select 1 from gone)
      -- a retry of this message is already the key's head
      and not exists (select 1 from fedify_queue r where r.ordering_key = ${row.ordering_key} and not r.blocked and r.id <> ${row.id})`.execute(db);
}
