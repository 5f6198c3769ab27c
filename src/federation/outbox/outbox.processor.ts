// Turns committed outbox events into activities on Fedify's durable queue.
//
// Events are claimed with a lease: if this process dies after claiming, the
// lease runs out and another process (or this one after restart) sends them.
// Sending only enqueues; actual delivery, retries and backoff happen in the
// queue, so one unreachable peer never holds up the outbox. What an event
// enqueues is committed with its "processed" mark (src/db/queue-capture.ts):
// a process that dies in between has done neither, and the event's re-run
// sends each activity once; an event that fails half-way enqueues nothing,
// and its retry sends the whole.
//
// A batch is not sent one event after another (docs/performance.md, "Slow
// peer"): at 50 likes a second the events waited here, one at a time, while
// Fedify's queue stood almost empty. So (outbox-lanes.ts): edits of one post
// in the batch become the last one (an Update carries the post as it is when
// sent, so the earlier ones would say the same), and likes and their
// withdrawals run side by side, in order per post and liker only; the ones
// that ran side by side commit together (outbox-batch-commit.ts, ADR 0134).
import type { Context, Federation } from "@fedify/fedify";
import { discardCaptured, runCapturing } from "../../db/queue-capture.ts";
import { claimOutboxEvents, markOutboxEventFailed } from "../../db/repos/outbox.repo.ts";
import type { OutboxEventRow } from "../../db/schema.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { sendActorUpdated } from "./actor.outbox.ts";
import { sendFollowEvent } from "./follow.outbox.ts";
import { sendGroupEvent } from "./group.outbox.ts";
import { backfillGroup } from "./group-backfill.ts";
import { sendPostEvent } from "./post.outbox.ts";
import { sendReport } from "./report.outbox.ts";
import { sendReblog } from "./reblog.outbox.ts";
import { sendTaskEvent } from "./task.outbox.ts";
import { sendChangeAnswer, sendChangeRequest } from "./task-change.outbox.ts";
import { RetryDeliveryLater } from "../delivery-retry.ts";
import { sendRoomEvent } from "./shared-room.outbox.ts";
import { sendAccountDeleted } from "./account.outbox.ts";
import { sendOrganizationUpdated } from "./organization.outbox.ts";
import { sendPinEvent } from "./pin.outbox.ts";
import { sendBlockEvent } from "./block.outbox.ts";
import { sendPollEvent } from "./poll.outbox.ts";
import { planBatch } from "./outbox-lanes.ts";
import { BatchReads } from "./batch-reads.ts";
import { OutboxBatchCommit } from "./outbox-batch-commit.ts";

const BATCH = 20;

async function dispatch(ctx: Context<ServiceContext>, reads: BatchReads, event: OutboxEvent, activityId: URL, attempts: number): Promise<void> {
  switch (event.type) {
    case "follow.requested":
    case "follow.accepted":
    case "follow.rejected":
    case "follow.undone":
      return sendFollowEvent(ctx, event, activityId);
    case "actor.updated":
      return sendActorUpdated(ctx, event.actorId, activityId);
    case "post.created":
    case "post.updated":
    case "post.deleted":
    case "post.liked":
    case "post.unliked":
    case "post.removed":
    case "post.shared":
      return sendPostEvent(ctx, reads, event, activityId);
    case "post.reblogged":
    case "post.unreblogged":
      return sendReblog(ctx, event, activityId);
    case "report.filed":
      return sendReport(ctx, event.reportId, activityId);
    case "group.relay":
    case "group.invited":
    case "group.banned":
    case "group.unbanned":
    case "group.role_changed":
      return sendGroupEvent(ctx, reads, event, activityId);
    case "group.backfill":
      return backfillGroup(ctx, event.groupId);
    case "task.published":
    case "task.deleted":
    case "task.offer_accepted":
    case "task.assign_requested":
    case "task.deliver":
      return sendTaskEvent(ctx, event, activityId, attempts);
    case "task.change_requested":
      return sendChangeRequest(ctx, event, attempts);
    case "task.change_answered":
      return sendChangeAnswer(ctx, event, activityId);
    case "room.org_invited":
    case "room.invitation_answered":
      return sendRoomEvent(ctx, event, activityId);
    case "account.deleted":
      return sendAccountDeleted(ctx, event.actorId, activityId);
    case "organization.updated":
      return sendOrganizationUpdated(ctx, activityId);
    case "post.pinned":
      return sendPinEvent(ctx, event, activityId);
    case "account.blocked":
      return sendBlockEvent(ctx, event, activityId);
    case "poll.updated":
    case "poll.voted":
      return sendPollEvent(ctx, reads, event, activityId);
  }
}

export class OutboxProcessor {
  readonly #federation: Federation<ServiceContext>;
  readonly #ctx: ServiceContext;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  #running: Promise<void> | null = null;
  #stopped = false;
  #wake: (() => void) | null = null;
  #pendingWake = false;

  constructor(federation: Federation<ServiceContext>, ctx: ServiceContext, options: { pollMs?: number; leaseMs?: number } = {}) {
    this.#federation = federation;
    this.#ctx = ctx;
    this.#pollMs = options.pollMs ?? 2_000;
    this.#leaseMs = options.leaseMs ?? 60_000;
  }

  start(): void {
    if (this.#running) return;
    this.#stopped = false;
    this.#running = this.#loop();
  }

  /** Called after a commit that recorded events: send without waiting for the poll. */
  wake(): void {
    this.#pendingWake = true;
    this.#wake?.();
  }

  /** Finishes the batch in hand, then stops. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
    this.#running = null;
  }

  /** Processes everything currently due; for tests and the CLI. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.#processBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      let processed = 0;
      try {
        processed = await this.#processBatch();
      } catch (error) {
        this.#ctx.logger.error({ err: error }, "outbox batch failed; will retry");
      }
      if (processed === BATCH || this.#stopped) continue;
      if (this.#pendingWake) {
        this.#pendingWake = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
      this.#pendingWake = false;
    }
  }

  async #processBatch(): Promise<number> {
    const rows = await claimOutboxEvents(this.#ctx.db, BATCH, this.#leaseMs);
    if (rows.length === 0) return 0;
    const fctx = this.#federation.createContext(this.#ctx.origin, this.#ctx);
    // Likes running side by side read their post, its group and its audience once (batch-reads.ts).
    const reads = new BatchReads(this.#ctx);
    const commit = new OutboxBatchCommit(this.#ctx);
    let lanes = new Map<string, Promise<number | null>>();
    // Everything running must finish before an event that is in no lane,
    // which may change who a group relays to: it is read again after it.
    const settle = async () => {
      const results = await Promise.allSettled(lanes.values());
      lanes = new Map();
      reads.forget();
      // What the lanes sent is committed before the next event runs alone, as it was before it.
      await commit.commit();
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    };
    for (const step of planBatch(rows)) {
      if (step.lane === null) {
        await settle();
        await this.#process(fctx, reads, commit, step.row, step.carries);
        await commit.commit();
        continue;
      }
      const before = lanes.get(step.lane) ?? Promise.resolve(null);
      // After a failure in its lane, an event waits as long as the failed one
      // (its Undo must not overtake a Like that is to be retried).
      lanes.set(
        step.lane,
        before.then((retryMs) => (retryMs === null ? this.#process(fctx, reads, commit, step.row, step.carries) : this.#postpone(step.row, retryMs))),
      );
    }
    await settle();
    return rows.length;
  }

  async #postpone(row: OutboxEventRow, retryMs: number): Promise<number> {
    await markOutboxEventFailed(this.#ctx.db, row.id, "waits for an earlier event of its post and person", retryMs);
    return retryMs;
  }

  /**
   * Sends one event; `carries` are events it makes redundant (older edits of
   * the same post), marked processed with it when `commit` commits. Null when
   * done, else the delay before its retry.
   */
  async #process(
    fctx: Context<ServiceContext>,
    reads: BatchReads,
    commit: OutboxBatchCommit,
    row: OutboxEventRow,
    carries: number[] = [],
  ): Promise<number | null> {
    const event = row.payload as OutboxEvent;
    // Stable per event, so a re-send after a crash carries the same id and
    // receivers apply it once; random, so nobody can claim it in advance.
    const activityId = new URL(`/activities/${row.activity_key}`, this.#ctx.origin);
    const { result, captured } = runCapturing(this.#ctx.db, () => dispatch(fctx, reads, event, activityId, row.attempts));
    try {
      await result;
      commit.add(captured, [row.id, ...carries]);
      return null;
    } catch (error) {
      discardCaptured(captured);
      // A delivery that follows the one retry policy says when; other events back off quickly.
      const retryMs = error instanceof RetryDeliveryLater ? error.delayMs : Math.min(2 ** row.attempts * 1_000, 600_000);
      this.#ctx.logger.warn({ err: error, event: event.type, id: row.id, retryMs }, "outbox event failed; retrying");
      await markOutboxEventFailed(this.#ctx.db, row.id, String((error as Error).message ?? error), retryMs);
      return retryMs;
    }
  }
}
