// Deleting finished messages: for a keyed one, the next message with its key
// becomes runnable in the same statement (ADR 0101). Only the worker holding
// the lease may delete it. Messages that finish together are deleted
// together: a fan-out's deliveries finish dozens at a time, and one DELETE
// per delivery was a third of what a delivery cost the database (ADR 0110).
import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.ts";

export interface LeasedRow {
  id: number;
  message: unknown;
  ordering_key: string | null;
}

/** At most this many ids a statement (well inside PostgreSQL's parameter limit). */
const MAX_BATCH = 500;

/**
 * Deletes the finished `rows` this worker still holds, in one statement, and
 * makes the next message of each of their keys runnable; returns the ids
 * deleted (a row missing from it was no longer this worker's: its lease ran
 * out and another worker took it).
 */
export async function deleteFinishedMany(db: Kysely<Database>, rows: readonly LeasedRow[], workerId: string): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const ids = sql.join(rows.map((r) => r.id));
  if (rows.every((r) => r.ordering_key === null)) {
    const gone = await sql<{ id: number }>`delete from fedify_queue where id in (${ids}) and locked_by = ${workerId} returning id`.execute(db);
    return new Set(gone.rows.map((r) => r.id));
  }
  // One statement: the update does not see the delete (same snapshot), hence
  // the `not in (select id from gone)` tests.
  const result = await sql<{ id: number }>`
    with gone as (delete from fedify_queue where id in (${ids}) and locked_by = ${workerId} returning id, ordering_key),
    released as (
      update fedify_queue q set blocked = false
      where q.blocked and q.id in (
        select min(n.id) from fedify_queue n
        where n.ordering_key in (select g.ordering_key from gone g where g.ordering_key is not null)
          and n.id not in (select g.id from gone g)
        group by n.ordering_key
      )
        -- a retry of a finished message is already its key's head
        and not exists (
          select 1 from fedify_queue r
          where r.ordering_key = q.ordering_key and not r.blocked and r.id not in (select g.id from gone g)
        )
      returning q.id
    )
    select id from gone`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}

/** False when the row was no longer this worker's (its lease ran out and another took it). */
export async function deleteFinished(db: Kysely<Database>, row: LeasedRow, workerId: string): Promise<boolean> {
  return (await deleteFinishedMany(db, [row], workerId)).has(row.id);
}

/**
 * Collects finished messages and deletes them in batches: one statement in
 * flight at a time; what finishes meanwhile goes in the next. A lone message
 * waits one turn of the event loop at most, so nothing is delayed at low
 * rates, and at high rates a batch holds everything that finished while the
 * previous one was written.
 */
export class FinishBatcher {
  readonly #db: Kysely<Database>;
  readonly #workerId: string;
  #pending: Array<{ row: LeasedRow; resolve: (gone: boolean) => void; reject: (error: unknown) => void }> = [];
  #running = false;

  constructor(db: Kysely<Database>, workerId: string) {
    this.#db = db;
    this.#workerId = workerId;
  }

  /** Resolves once `row` is deleted: false when it was no longer this worker's. */
  finish(row: LeasedRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ row, resolve, reject });
      if (this.#running) return;
      this.#running = true;
      setImmediate(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      try {
        const gone = await deleteFinishedMany(
          this.#db,
          batch.map((b) => b.row),
          this.#workerId,
        );
        for (const b of batch) b.resolve(gone.has(b.row.id));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.#running = false;
  }
}
