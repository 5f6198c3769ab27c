// Fedify's MessageQueue on the fedify_queue table.
//
// A worker *leases* a message (locked_until) in a short transaction using
// FOR UPDATE SKIP LOCKED, runs the handler outside any transaction, then
// deletes the row. So: a message held by a process that dies is delivered
// again once its lease expires; several processes sharing one PostgreSQL
// server never run one message twice; and a handler never holds PGlite's
// single connection. Messages with an ordering key run one at a time, in
// order. Structurally satisfies Fedify's MessageQueue (no Fedify import here).
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DatabaseHandle } from "./database.ts";
import { supersedeKeyOf } from "./queue-supersede.ts";
import type { Database } from "./schema.ts";

interface DurationLike {
  total(unit: "millisecond" | { unit: "millisecond" }): number;
}

export interface EnqueueOptions {
  readonly delay?: DurationLike;
  readonly orderingKey?: string;
}

export interface QueueOptions {
  queueName?: string;
  workerId?: string;
  /** How long a taken message stays invisible to other workers. */
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Handlers in flight at once per listen(). */
  concurrency?: number;
  onError?: (error: unknown, message: unknown) => void;
}

interface LeasedRow {
  id: number;
  message: unknown;
}

function delayMillis(delay: DurationLike | undefined): number {
  if (!delay) return 0;
  let ms: number;
  try {
    ms = delay.total({ unit: "millisecond" });
  } catch {
    ms = delay.total("millisecond");
  }
  return Math.max(0, Math.round(ms));
}

export class PostgresMessageQueue {
  readonly nativeRetrial = false;
  readonly #handle: DatabaseHandle;
  readonly #db: Kysely<Database>;
  readonly #queue: string;
  readonly #workerId: string;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #concurrency: number;
  readonly #onError: ((error: unknown, message: unknown) => void) | undefined;

  constructor(handle: DatabaseHandle, options: QueueOptions = {}) {
    this.#handle = handle;
    this.#db = handle.db;
    this.#queue = options.queueName ?? "fedify";
    this.#workerId = options.workerId ?? randomUUID();
    this.#leaseMs = options.leaseMs ?? 120_000;
    this.#pollMs = options.pollIntervalMs ?? 1_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#onError = options.onError;
  }

  get channel(): string {
    return `ecotone_queue_${this.#queue}`;
  }

  async enqueue(message: unknown, options?: EnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: EnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delay = delayMillis(options?.delay);
    const rows = messages.map((message) => ({
      queue: this.#queue,
      message: JSON.stringify(message),
      ordering_key: options?.orderingKey ?? null,
      supersede_key: supersedeKeyOf(message),
      available_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
    }));
    const superseding = [...new Set(rows.map((r) => r.supersede_key).filter((k): k is string => k !== null))];
    await this.#db.transaction().execute(async (trx) => {
      if (superseding.length > 0) {
        // Older edits of the same objects to the same inboxes that have not left yet.
        await trx
          .deleteFrom("fedify_queue")
          .where("queue", "=", this.#queue)
          .where("supersede_key", "in", superseding)
          .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", sql<Date>`now()`)]))
          .execute();
      }
      await trx.insertInto("fedify_queue").values(rows as never).execute();
    });
    if (delay === 0) await this.#handle.notify(this.channel);
  }

  /** Takes the next ready message, if any, under a lease. */
  async lease(): Promise<LeasedRow | null> {
    const result = await sql<LeasedRow>`
      update fedify_queue
      set locked_until = now() + ${`${this.#leaseMs} milliseconds`}::interval,
          locked_by = ${this.#workerId},
          attempts = attempts + 1
      where id = (
        select q.id from fedify_queue q
        where q.queue = ${this.#queue}
          and q.available_at <= now()
          and (q.locked_until is null or q.locked_until < now())
          and (q.ordering_key is null or not exists (
            select 1 from fedify_queue earlier
            where earlier.ordering_key = q.ordering_key and earlier.id < q.id
          ))
        order by q.id
        limit 1
        for update skip locked
      )
      returning id, message`.execute(this.#db);
    return result.rows[0] ?? null;
  }

  async #finish(id: number): Promise<void> {
    await this.#db.deleteFrom("fedify_queue").where("id", "=", id).where("locked_by", "=", this.#workerId).execute();
  }

  async listen(
    handler: (message: any) => Promise<void> | void,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const signal = options.signal;
    const inFlight = new Set<Promise<void>>();
    let wake: (() => void) | null = null;
    let notified = false;
    const poke = () => {
      notified = true;
      wake?.();
    };
    const unlisten = await this.#handle.listen(this.channel, poke);
    signal?.addEventListener("abort", poke, { once: true });

    try {
      while (!signal?.aborted) {
        if (inFlight.size >= this.#concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        let row: LeasedRow | null = null;
        try {
          row = await this.lease();
        } catch (error) {
          // The database went away (restart): wait, then try again.
          this.#onError?.(error, null);
        }
        if (row) {
          const leased = row;
          const run = (async () => {
            try {
              await handler(leased.message);
            } catch (error) {
              // Fedify re-enqueues failed work itself (nativeRetrial = false).
              this.#onError?.(error, leased.message);
            }
            try {
              await this.#finish(leased.id);
            } catch (error) {
              // Could not delete (database down): the lease expires and the
              // message runs again; handlers are idempotent by activity id.
              this.#onError?.(error, leased.message);
            }
          })();
          inFlight.add(run);
          void run.finally(() => {
            inFlight.delete(run);
            wake?.();
          });
          continue;
        }
        if (notified) {
          notified = false;
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      // Drain: let handlers already running finish before returning.
      await Promise.allSettled([...inFlight]);
    } finally {
      signal?.removeEventListener("abort", poke);
      await unlisten();
    }
  }

  async getDepth(): Promise<{ queued: number; ready: number; delayed: number }> {
    const row = await sql<{ queued: number; ready: number; delayed: number }>`
      select count(*)::int as queued,
             count(*) filter (where available_at <= now())::int as ready,
             count(*) filter (where available_at > now())::int as delayed
      from fedify_queue where queue = ${this.#queue}`.execute(this.#db);
    return row.rows[0] ?? { queued: 0, ready: 0, delayed: 0 };
  }
}
