// Runs the webhook fan-out and the delivery workers in this process (started
// and stopped by app.ts beside the federation queue). The fan-out is woken
// after each commit that recorded outbox events and polls as a fallback;
// deliveries run from the durable queue, several at once.
import type { DatabaseHandle } from "../../db/database.ts";
import { PostgresMessageQueue } from "../../db/queue.store.ts";
import { deleteFinishedDeliveriesBefore, WEBHOOK_QUEUE } from "../../db/repos/webhook.repo.ts";
import type { ServiceContext } from "../context.ts";
import { deliverWebhook, fanOutNext, type WebhookTransport } from "./webhook-delivery.service.ts";

/** How long the delivery log keeps finished deliveries (for reading and replay). */
export const DELIVERY_LOG_DAYS = 30;

export interface WebhookWorkerOptions {
  transport: WebhookTransport;
  /** First retry delay; doubles per attempt (ECOTONE_RETRY_INITIAL_MS). */
  retryInitialMs: number;
  leaseMs: number;
  pollMs?: number;
  concurrency?: number;
}

export class WebhookWorker {
  readonly #ctx: ServiceContext;
  readonly #options: WebhookWorkerOptions;
  readonly #queue: PostgresMessageQueue;
  #abort: AbortController | null = null;
  #running: Promise<unknown>[] = [];
  #wake: (() => void) | null = null;
  #pendingWake = false;
  #lastSweep = 0;

  constructor(ctx: ServiceContext, database: DatabaseHandle, options: WebhookWorkerOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#queue = new PostgresMessageQueue(database, {
      queueName: WEBHOOK_QUEUE,
      leaseMs: options.leaseMs,
      concurrency: options.concurrency ?? 8,
      onError: (error) => ctx.logger.error({ err: error, queue: WEBHOOK_QUEUE }, "webhook job failed"),
    });
  }

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    const signal = this.#abort.signal;
    // Neither may end in an unhandled rejection: that would take the whole process down.
    const logged = (what: string) => (error: unknown) => this.#ctx.logger.error({ err: error }, `webhook ${what} stopped`);
    this.#running = [
      this.#fanOutLoop(signal).catch(logged("fan-out")),
      this.#queue
        .listen(
          (message: { webhookDeliveryId?: string }) =>
            message.webhookDeliveryId ? deliverWebhook(this.#ctx, this.#options.transport, message.webhookDeliveryId, this.#options.retryInitialMs) : undefined,
          { signal },
        )
        .catch(logged("delivery worker")),
    ];
  }

  /** After a commit that recorded outbox events. */
  wake(): void {
    this.#pendingWake = true;
    this.#wake?.();
  }

  /** Fans out everything waiting now (tests, CLI). */
  async drain(): Promise<void> {
    while (await fanOutNext(this.#ctx));
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#wake?.();
    await Promise.allSettled(this.#running);
    this.#abort = null;
  }

  async #fanOutLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        while (!signal.aborted && (await fanOutNext(this.#ctx)));
        if (Date.now() - this.#lastSweep > 3_600_000) {
          this.#lastSweep = Date.now();
          await deleteFinishedDeliveriesBefore(this.#ctx.db, new Date(Date.now() - DELIVERY_LOG_DAYS * 86_400_000));
        }
      } catch (error) {
        this.#ctx.logger.error({ err: error }, "webhook fan-out failed; will retry");
      }
      if (this.#pendingWake) {
        this.#pendingWake = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.pollMs ?? 2_000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }
}
