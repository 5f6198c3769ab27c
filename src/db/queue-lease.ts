// Keeps the leases of messages in hand alive while their handlers run.
//
// A lease says "this worker is on it until locked_until". A handler may take
// longer than one lease (a peer slow to answer, a long fan-out); without
// renewal the message becomes leasable again while it is still running, and
// another worker — or this one — sends it a second time. So every third of a
// lease, the rows still in hand get a fresh lease in one statement. Only a
// worker that stops renewing (it died) loses its messages to another one.
import { sql, type Kysely } from "kysely";
import type { LeasedRow } from "./queue-finish.ts";
import type { Database } from "./schema.ts";

export class LeaseKeeper {
  readonly #db: Kysely<Database>;
  readonly #workerId: string;
  readonly #leaseMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #held = new Set<number>();
  #timer: NodeJS.Timeout | null = null;

  constructor(db: Kysely<Database>, workerId: string, leaseMs: number, onError: (error: unknown) => void) {
    this.#db = db;
    this.#workerId = workerId;
    this.#leaseMs = leaseMs;
    this.#onError = onError;
  }

  hold(id: number): void {
    this.#held.add(id);
    if (this.#timer === null) {
      this.#timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.#leaseMs / 3)));
      // Renewal alone never keeps the process alive.
      this.#timer.unref();
    }
  }

  release(id: number): void {
    this.#held.delete(id);
    if (this.#held.size === 0) this.stop();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Extends the lease of every message still in hand; one statement. */
  async renew(): Promise<void> {
    if (this.#held.size === 0) return;
    const ids = [...this.#held];
    try {
      await sql`
        update fedify_queue set locked_until = now() + ${`${this.#leaseMs} milliseconds`}::interval
        where locked_by = ${this.#workerId} and id in (${sql.join(ids)})`.execute(this.#db);
    } catch (error) {
      // The database is away: the next tick tries again, and if the lease
      // runs out first the message is run again (receivers are idempotent).
      this.#onError(error);
    }
  }
}

/**
 * Takes up to `limit` ready messages of `queue` under a lease, in one
 * statement, oldest available first: runnable rows only (not blocked behind
 * their key's head, ADR 0101), whose lease is free or ran out.
 */
export async function leaseReady(db: Kysely<Database>, queue: string, workerId: string, leaseMs: number, limit: number): Promise<LeasedRow[]> {
  const result = await sql<LeasedRow>`
    update fedify_queue
    set locked_until = now() + ${`${leaseMs} milliseconds`}::interval,
        locked_by = ${workerId},
        attempts = attempts + 1
    where id in (
      select q.id from fedify_queue q
      where q.queue = ${queue}
        and not q.blocked
        and q.available_at <= now()
        and (q.locked_until is null or q.locked_until < now())
      order by q.available_at, q.id
      limit ${limit}
      for update skip locked
    )
    returning id, message, ordering_key`.execute(db);
  // The update returns rows in no particular order: oldest first.
  return result.rows.sort((a, b) => a.id - b.id);
}
