// Fedify's MessageQueue on the fedify_queue table.
//
// A worker *leases* a message (locked_until) in a short transaction using
// FOR UPDATE SKIP LOCKED, runs the handler outside any transaction, then
// deletes the row. So: a message held by a process that dies is delivered
// again once its lease expires; several processes sharing one PostgreSQL
// server never run one message twice; and a handler never holds PGlite's
// single connection. Messages with an ordering key run one at a time, in
// order: a keyed message is inserted `blocked` when an earlier one with its
// key is queued, and finishing the head unblocks the next, so a lease reads
// runnable rows only, whatever the backlog behind one key (ADR 0101). A
// worker leases only when something may be due: after a lease that found a
// row, a NOTIFY, a keyed message finished, or the poll interval; a burst of
// NOTIFYs costs one empty lease, not one each. A lease is renewed while its
// handler runs (queue-lease.ts), so a slow handler is never run twice; with
// `atomicEnqueues`, what a handler enqueues is written in the transaction
// that deletes its message (queue-capture.ts), so a fan-out run again after
// a crash does not deliver twice.
// Structurally satisfies Fedify's MessageQueue (no Fedify import here).
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DatabaseHandle } from "./database.ts";
import { EnqueueBatcher, type PendingRow } from "./queue-batch.ts";
import { capture, queueChannel, runCapturing, runUncaptured, writeCaptured, type Captured } from "./queue-capture.ts";
import { InlineRunner } from "./queue-inline.ts";
import { deleteFinished, FinishBatcher, type LeasedRow } from "./queue-finish.ts";
import { LeaseKeeper, leaseReady } from "./queue-lease.ts";
import { runInSlot, type QueueSlot } from "./queue-slot.ts";
import { writeQueued } from "./queue-write.ts";
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
  /**
   * Write what a handler enqueues in the transaction that deletes its
   * message (queue-capture.ts). For queues whose handlers' only lasting
   * effect is what they enqueue (Fedify's fan-out and deliveries); an inbox
   * handler commits its effects itself, so holding its sends back would only
   * widen the window in which a crash loses them.
   */
  atomicEnqueues?: boolean;
  /**
   * Run an undelayed, unkeyed message in its enqueue when this process
   * listens and has a free slot (queue-inline.ts): for the inbox queue.
   */
  runInline?: boolean;
  /**
   * Called with the messages of each leased batch before their handlers
   * run, to read what they will all need in one go (the delivery queue's
   * hosts' state, src/federation/delivery-prefetch.ts). A failure is
   * reported and the handlers run anyway.
   */
  beforeBatch?: (messages: unknown[]) => Promise<void>;
  onError?: (error: unknown, message: unknown) => void;
}

/** Every this many idle polls, heads left blocked by a race are released. */
const SWEEP_EVERY_POLLS = 10;
/** Messages in hand, waiting aside included (queue-slot.ts), at most this many times the concurrency: a bound on memory. */
const IN_HAND_PER_SLOT = 8;

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
  readonly #atomicEnqueues: boolean;
  readonly #inline: InlineRunner | null;
  readonly #onError: ((error: unknown, message: unknown) => void) | undefined;
  readonly #beforeBatch: ((messages: unknown[]) => Promise<void>) | undefined;
  readonly #batcher = new EnqueueBatcher((rows) => this.#write(rows));
  readonly #finisher: FinishBatcher;

  constructor(handle: DatabaseHandle, options: QueueOptions = {}) {
    this.#handle = handle;
    this.#db = handle.db;
    this.#queue = options.queueName ?? "fedify";
    this.#workerId = options.workerId ?? randomUUID();
    this.#leaseMs = options.leaseMs ?? 120_000;
    this.#pollMs = options.pollIntervalMs ?? 1_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#atomicEnqueues = options.atomicEnqueues ?? false;
    this.#inline = options.runInline ? new InlineRunner(this.#concurrency, (error, message) => this.#onError?.(error, message)) : null;
    this.#onError = options.onError;
    this.#beforeBatch = options.beforeBatch;
    this.#finisher = new FinishBatcher(this.#db, this.#workerId);
  }

  get channel(): string {
    return queueChannel(this.#queue);
  }

  async enqueue(message: unknown, options?: EnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: EnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delayMs = delayMillis(options?.delay);
    const orderingKey = options?.orderingKey ?? null;
    const rows = messages.map((message) => ({ message, orderingKey, delayMs }));
    // Enqueued by a handler of a message on this database: written when that
    // message finishes, in its transaction (queue-capture.ts).
    if (capture(this.#db, this.#queue, rows)) return;
    if (this.#inline && messages.length === 1 && delayMs === 0 && orderingKey === null && (await this.#inline.tryRun(messages[0]))) return;
    await this.#batcher.add(rows);
  }

  /** Writes a batch of enqueued messages (queue-write.ts), then wakes the workers. */
  async #write(pending: PendingRow[]): Promise<void> {
    await writeQueued(this.#db, this.#queue, pending);
    if (pending.some((p) => p.delayMs === 0)) await this.#handle.notify(this.channel);
  }

  /** Takes the next ready message, if any, under a lease. */
  async lease(): Promise<LeasedRow | null> {
    return (await this.leaseMany(1))[0] ?? null;
  }

  /**
   * Takes up to `limit` ready messages under a lease, in one statement.
   * Fewer than asked means none was left ready: the worker need not ask
   * again until something changes.
   */
  async leaseMany(limit: number): Promise<LeasedRow[]> {
    return leaseReady(this.#db, this.#queue, this.#workerId, this.#leaseMs, limit);
  }

  /**
   * Deletes a finished message, with the messages its handler enqueued
   * written in the same transaction; for a keyed one, the next with its key
   * becomes runnable.
   */
  async #finish(row: LeasedRow, captured: Captured | null): Promise<void> {
    if (captured === null || captured.rows.size === 0) {
      if (captured) captured.closed = true;
      // Deleted with the others that finish about now, in one statement.
      await this.#finisher.finish(row);
      return;
    }
    const wake = await this.#db.transaction().execute(async (trx) => {
      const queues = await writeCaptured(trx, captured);
      // Another worker holds the message now and will enqueue the same: keep nothing of this run.
      if (!(await deleteFinished(trx, row, this.#workerId)))
        throw new Error(`queue message ${row.id} was taken over by another worker; its enqueues are dropped`);
      return queues;
    });
    for (const queue of wake) await this.#handle.notify(queueChannel(queue));
  }

  /**
   * Releases keyed messages left blocked with nothing ahead of them. Only a
   * race between two processes (an enqueue that saw the head just before
   * another process finished it) leaves one; this runs on idle polls.
   */
  async sweepBlocked(): Promise<number> {
    const result = await sql`
      update fedify_queue q set blocked = false
      where q.queue = ${this.#queue} and q.blocked
        and not exists (select 1 from fedify_queue e where e.ordering_key = q.ordering_key and (e.id < q.id or not e.blocked))`.execute(this.#db);
    return Number(result.numAffectedRows ?? 0);
  }

  async listen(handler: (message: any) => Promise<void> | void, options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = options.signal;
    const inFlight = new Set<Promise<void>>();
    // Leases of the messages in hand are renewed while they run (queue-lease.ts).
    const leases = new LeaseKeeper(this.#db, this.#workerId, this.#leaseMs, (error) => this.#onError?.(error, null));
    let wake: (() => void) | null = null;
    // Whether a lease may find something: false after an empty lease, until
    // a NOTIFY, a finished keyed message (its successor is now runnable) or
    // the poll interval says otherwise.
    let mayHaveWork = true;
    let idlePolls = 0;
    // Handlers waiting aside (queue-slot.ts) hold no slot: work is leased into theirs.
    let aside = 0;
    let slotFreed: (() => void) | null = null;
    const freeSlot = () => {
      const resolve = slotFreed;
      slotFreed = null;
      resolve?.();
    };
    const maxInHand = this.#concurrency * IN_HAND_PER_SLOT;
    const freeSlots = () => Math.min(this.#concurrency - (inFlight.size - aside), maxInHand - inFlight.size);
    const poke = () => {
      mayHaveWork = true;
      wake?.();
    };
    const unlisten = await this.#handle.listen(this.channel, poke);
    this.#inline?.attach(handler);
    signal?.addEventListener("abort", poke, { once: true });

    try {
      while (!signal?.aborted) {
        if (freeSlots() <= 0) {
          await new Promise<void>((resolve) => (slotFreed = resolve));
          continue;
        }
        let rows: LeasedRow[] = [];
        // Finished messages are deleted in batches (queue-finish.ts), so
        // slots free up several at once: one turn lets the rest of a batch
        // land, and one lease fills them all (ADR 0110).
        if (mayHaveWork && inFlight.size > 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (signal?.aborted) break;
        }
        const free = freeSlots();
        if (free <= 0) continue;
        if (mayHaveWork) {
          mayHaveWork = false;
          try {
            rows = await this.leaseMany(free);
          } catch (error) {
            // The database went away (restart): wait, then try again.
            this.#onError?.(error, null);
          }
        }
        if (rows.length > 0) {
          // A full batch may have left more behind; a short one did not.
          if (rows.length === free) mayHaveWork = true;
          idlePolls = 0;
          if (this.#beforeBatch) {
            try {
              await this.#beforeBatch(rows.map((r) => r.message));
            } catch (error) {
              this.#onError?.(error, null);
            }
          }
          for (const leased of rows) {
            leases.hold(leased.id);
            let asideDepth = 0;
            const slot: QueueSlot = {
              onAside(entering) {
                asideDepth += entering ? 1 : -1;
                if (entering && asideDepth === 1) {
                  aside++;
                  freeSlot();
                } else if (!entering && asideDepth === 0) aside--;
              },
            };
            const run = (async () => {
              const { result, captured } = runInSlot(slot, () =>
                this.#atomicEnqueues
                  ? runCapturing(this.#db, async () => handler(leased.message))
                  : { result: runUncaptured(async () => handler(leased.message)), captured: null },
              );
              try {
                await result;
              } catch (error) {
                // Fedify re-enqueues failed work itself (nativeRetrial = false).
                this.#onError?.(error, leased.message);
              }
              try {
                await this.#finish(leased, captured);
                if (leased.ordering_key !== null) mayHaveWork = true;
              } catch (error) {
                // Could not delete (database down): the lease expires and the
                // message runs again; handlers are idempotent by activity id.
                this.#onError?.(error, leased.message);
              }
            })();
            inFlight.add(run);
            void run.finally(() => {
              leases.release(leased.id);
              inFlight.delete(run);
              freeSlot();
              wake?.();
            });
          }
          continue;
        }
        if (mayHaveWork) continue;
        const polled = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(true), this.#pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve(false);
          };
        });
        wake = null;
        if (polled) {
          // Delayed messages (retries) become due without a NOTIFY.
          mayHaveWork = true;
          if (++idlePolls % SWEEP_EVERY_POLLS === 0) {
            try {
              await this.sweepBlocked();
            } catch (error) {
              this.#onError?.(error, null);
            }
          }
        }
      }
      // Drain: let handlers already running finish before returning.
      await Promise.allSettled([...inFlight]);
    } finally {
      this.#inline?.attach(null);
      leases.stop();
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
