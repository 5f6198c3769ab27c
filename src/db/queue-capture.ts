// What a handler enqueues is written with its message's completion, in one
// transaction.
//
// A fan-out message becomes one delivery per inbox; a failed delivery
// becomes its retry. Written on their own, those rows commit before the
// message that made them is deleted, and a worker that dies in between
// leaves both: the message runs again and every inbox gets the activity a
// second time. So while a leased message's handler runs, the messages it
// enqueues on the same database are collected (AsyncLocalStorage follows the
// handler's awaits), and the worker inserts them in the transaction that
// deletes the finished message (queue.store.ts). Either both are done or
// neither is, and a message run again makes its deliveries once.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely } from "kysely";
import type { PendingRow } from "./queue-batch.ts";
import { writeQueued } from "./queue-write.ts";
import type { Database } from "./schema.ts";

export interface Captured {
  /** Rows per queue name, in the order they were enqueued. */
  readonly rows: Map<string, PendingRow[]>;
  readonly db: Kysely<Database>;
  /** Set when the message is finishing: later enqueues (work the handler left running) are written at once. */
  closed: boolean;
}

const storage = new AsyncLocalStorage<Captured>();

/** Runs `handler` collecting what it enqueues on `db`. */
export function runCapturing<T>(db: Kysely<Database>, handler: () => T): { result: T; captured: Captured } {
  const captured: Captured = { rows: new Map(), db, closed: false };
  return { result: storage.run(captured, handler), captured };
}

/** Runs `handler` outside any collecting (its enqueues are written at once). */
export function runUncaptured<T>(handler: () => T): T {
  return storage.exit(handler);
}

/** Keeps `rows` for the running handler's completion; false when no handler on this database is running. */
export function capture(db: Kysely<Database>, queue: string, rows: PendingRow[]): boolean {
  const captured = storage.getStore();
  if (!captured || captured.closed || captured.db !== db) return false;
  const list = captured.rows.get(queue) ?? [];
  list.push(...rows);
  captured.rows.set(queue, list);
  return true;
}

/** Inserts what was collected, inside `trx`; returns the queues to wake once committed. */
export async function writeCaptured(trx: Kysely<Database>, captured: Captured): Promise<string[]> {
  captured.closed = true;
  const wake: string[] = [];
  for (const [queue, rows] of captured.rows) {
    await writeQueued(trx, queue, rows);
    if (rows.some((r) => r.delayMs === 0)) wake.push(queue);
  }
  return wake;
}

/** The LISTEN/NOTIFY channel of a queue. */
export function queueChannel(queue: string): string {
  return `ecotone_queue_${queue}`;
}

/**
 * Commits what several handlers collected together with `alongside` (the
 * caller's own "done" mark), then wakes the queues that got work. For a
 * worker outside the queue (the outbox processor, one batch at a time) whose
 * only sending is enqueueing.
 */
export async function commitCaptured(
  handle: { db: Kysely<Database>; notify(channel: string): Promise<void> },
  captured: readonly Captured[],
  alongside: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  // Several handlers' work (one outbox batch) is one insert per queue: their
  // rows in the order the handlers finished, so what one lane enqueued in
  // turn keeps its order.
  const merged: Captured = { rows: new Map(), db: handle.db, closed: false };
  for (const one of captured) {
    one.closed = true;
    for (const [queue, rows] of one.rows) merged.rows.set(queue, [...(merged.rows.get(queue) ?? []), ...rows]);
  }
  const wake = await handle.db.transaction().execute(async (trx) => {
    const queues = await writeCaptured(trx, merged);
    await alongside(trx);
    return queues;
  });
  for (const queue of wake) await handle.notify(queueChannel(queue));
}

/** Forgets what was collected (the work failed and will run again whole). */
export function discardCaptured(captured: Captured): void {
  captured.closed = true;
  captured.rows.clear();
}
