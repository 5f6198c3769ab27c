// Closes polls whose time is up, every few seconds, in the process that runs
// the workers (app.ts starts and stops it beside the outbox). Closing is
// idempotent (`closed_at is null` guards it), so several processes sharing a
// database may run it at once without notifying anyone twice.
import type { ServiceContext } from "../context.ts";
import { closeDuePolls } from "./poll.service.ts";

export class PollCloser {
  readonly #ctx: ServiceContext;
  readonly #everyMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(ctx: ServiceContext, options: { everyMs?: number } = {}) {
    this.#ctx = ctx;
    this.#everyMs = options.everyMs ?? 5_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = closeDuePolls(this.#ctx)
        .then((closed) => {
          if (closed > 0) this.#ctx.logger.info({ closed }, "polls closed");
        })
        .catch((err: unknown) => this.#ctx.logger.error({ err }, "closing due polls failed; retrying on the next tick"))
        .finally(() => {
          this.#running = null;
        });
    }, this.#everyMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
