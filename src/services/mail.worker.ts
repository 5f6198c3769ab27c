// Runs the mail work in this process (started and stopped by app.ts beside
// the other workers): turns quiet notification batches into mail, then sends
// (or, without SMTP, keeps) what is due. Polls; a crashed worker's mail is
// taken again when its lease ends.
import type { ServiceContext } from "./context.ts";
import { mailNextNotificationBatch } from "./mail-notification.service.ts";
import { sendNextMail, type MailTransport } from "./mail.service.ts";

export interface MailWorkerOptions {
  transport: MailTransport | null;
  /** How long a person's notifications must be quiet before they are mailed together. */
  batchWindowMs: number;
  retryInitialMs: number;
  leaseMs: number;
  pollMs?: number;
}

export class MailWorker {
  readonly #ctx: ServiceContext;
  readonly #options: MailWorkerOptions;
  #abort: AbortController | null = null;
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;

  constructor(ctx: ServiceContext, options: MailWorkerOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    this.#running = this.#loop(this.#abort.signal).catch((error: unknown) => this.#ctx.logger.error({ err: error }, "mail worker stopped"));
  }

  /** Does everything due now (tests, CLI). */
  async drain(): Promise<void> {
    while (await mailNextNotificationBatch(this.#ctx, this.#options.batchWindowMs));
    while (await sendNextMail(this.#ctx, this.#options.transport, this.#options));
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#wake?.();
    await this.#running;
    this.#abort = null;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        while (!signal.aborted && (await mailNextNotificationBatch(this.#ctx, this.#options.batchWindowMs)));
        while (!signal.aborted && (await sendNextMail(this.#ctx, this.#options.transport, this.#options)));
      } catch (error) {
        this.#ctx.logger.error({ err: error }, "mail work failed; will retry");
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.pollMs ?? 1_000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }
}
