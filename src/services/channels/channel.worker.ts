// Runs the channel work in this process (started and stopped by app.ts
// beside the other workers): tells assignees their tasks are due, turns
// quiet notification batches into mail, writes the digests that are due,
// sends (or, without SMTP, keeps) the mail that is due, and pushes new
// notifications to Mastodon apps. Polls; every step reads durable rows, so a
// crash or a second process loses and doubles nothing.
import type { ServiceContext } from "../context.ts";
import { mailNextNotificationBatch } from "./mail-notification.service.ts";
import { sendNextMail, type MailTransport } from "./mail.service.ts";
import { pushNextNotifications } from "./push-delivery.service.ts";
import { sendDueDigests } from "./digest.service.ts";
import { notifyDueTasks } from "./task-due.service.ts";

export interface ChannelWorkerOptions {
  transport: MailTransport | null;
  /** How long a person's notifications wait before they are mailed together. */
  batchWindowMs: number;
  retryInitialMs: number;
  leaseMs: number;
  /** Push to http:// endpoints too (tests and loopback demos, with ECOTONE_ALLOW_PRIVATE_ADDRESSES). */
  allowInsecureEndpoints: boolean;
  pollMs?: number;
}

export class ChannelWorker {
  readonly #ctx: ServiceContext;
  readonly #steps: Array<() => Promise<boolean>>;
  readonly #pollMs: number;
  #abort: AbortController | null = null;
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;

  constructor(ctx: ServiceContext, options: ChannelWorkerOptions) {
    this.#ctx = ctx;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#steps = [
      () => notifyDueTasks(ctx),
      () => pushNextNotifications(ctx, options),
      () => mailNextNotificationBatch(ctx, options.batchWindowMs),
      () => sendDueDigests(ctx),
      () => sendNextMail(ctx, options.transport, options),
    ];
  }

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    this.#running = this.#loop(this.#abort.signal).catch((error: unknown) => this.#ctx.logger.error({ err: error }, "channel worker stopped"));
  }

  /** Does everything due now (tests, CLI). */
  async drain(): Promise<void> {
    for (const step of this.#steps) while (await step());
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#wake?.();
    await this.#running;
    this.#abort = null;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      for (const step of this.#steps) {
        try {
          while (!signal.aborted && (await step()));
        } catch (error) {
          this.#ctx.logger.error({ err: error }, "channel work failed; will retry");
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }
}
