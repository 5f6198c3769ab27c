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

/** False when the row was no longer this worker's (its lease ran out and another took it). */
export async function deleteFinished(db: Kysely<Database>, row: LeasedRow, workerId: string): Promise<boolean> {
  if (row.ordering_key === null) {
    const result = await db.deleteFrom("fedify_queue").where("id", "=", row.id).where("locked_by", "=", workerId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
  // One statement: the update does not see the delete (same snapshot),
  // hence `id <> row.id`.
  const result = await sql<{ gone: number }>`
    with gone as (delete from fedify_queue where id = ${row.id} and locked_by = ${workerId} returning id),
    released as (
      update fedify_queue set blocked = false
      where blocked and id = (
        select min(id) from fedify_queue where ordering_key = ${row.ordering_key} and id <> ${row.id}
      ) and exists (select 1 from gone)
        -- a retry of this message is already the key's head
        and not exists (select 1 from fedify_queue r where r.ordering_key = ${row.ordering_key} and not r.blocked and r.id <> ${row.id})
      returning id
    )
    select (select count(*) from gone)::int as gone`.execute(db);
  return (result.rows[0]?.gone ?? 0) > 0;
}
