// The one transaction of an outbox batch (ADR 0134).
//
// Each event sent used to commit on its own: its queue rows and its
// "processed" mark, a begin and a commit, four statements an event — at 50
// likes a second, a fifth of what a like cost PGlite after the API's share
// (docs/performance.md, "Session 11 (slow peer)"). The events that succeeded
// in a batch are now kept here and committed together at its end: one insert
// of every queue row (in the order the events finished, so one lane's Like
// is still queued before its Undo), one mark, one begin and commit.
//
// Exactly once still holds: an event's rows and its mark are in the same
// transaction, so a crash before the commit has done neither for any event
// of the batch (each runs again when its lease runs out, under the same
// activity id) and a crash after it has done both. An event that fails is
// not in it: it is marked for its retry at once, as before, and the others
// go on.
import { commitCaptured, discardCaptured, type Captured } from "../../db/queue-capture.ts";
import { markOutboxEventFailed, markOutboxEventsProcessed } from "../../db/repos/outbox.repo.ts";
import type { ServiceContext } from "../../services/context.ts";

/** When the batch's commit itself failed (the database, not an event): soon, not after the whole lease. */
const COMMIT_RETRY_MS = 1_000;

export class OutboxBatchCommit {
  readonly #ctx: ServiceContext;
  #captured: Captured[] = [];
  #ids: number[] = [];

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** An event sent: what it enqueued, and the events its commit marks processed (itself and those it carries). */
  add(captured: Captured, ids: readonly number[]): void {
    this.#captured.push(captured);
    this.#ids.push(...ids);
  }

  /** Commits every event added since the last call, in one transaction. */
  async commit(): Promise<void> {
    const captured = this.#captured;
    const ids = this.#ids;
    this.#captured = [];
    this.#ids = [];
    if (ids.length === 0) return;
    try {
      await commitCaptured(this.#ctx.database, captured, (trx) => markOutboxEventsProcessed(trx, ids));
    } catch (error) {
      // Nothing of the batch was written: every event runs again, whole.
      for (const one of captured) discardCaptured(one);
      this.#ctx.logger.warn({ err: error, events: ids.length }, "outbox batch commit failed; retrying its events");
      for (const id of ids) await markOutboxEventFailed(this.#ctx.db, id, String((error as Error).message ?? error), COMMIT_RETRY_MS);
    }
  }
}
