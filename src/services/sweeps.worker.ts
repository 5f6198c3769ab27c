// Timed sweeps, every few seconds, in the process that runs the workers
// (app.ts starts and stops them beside the outbox): polls whose time is up are
// closed, and members' task changes that their group's home never answered
// are settled as refused. Each sweep is idempotent (it only moves rows that
// are still open), so several processes sharing a database may run them at
// once without notifying anyone twice.
import type { ServiceContext } from "./context.ts";

export interface Sweep {
  /** What the log says when the sweep moved something, e.g. "polls closed". */
  name: string;
  /** Moves what is due and says how many. */
  run: (ctx: ServiceContext, now: Date) => Promise<number>;
}

export class SweepsWorker {
  readonly #ctx: ServiceContext;
  readonly #sweeps: readonly Sweep[];
  readonly #everyMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(ctx: ServiceContext, sweeps: readonly Sweep[], options: { everyMs?: number } = {}) {
    this.#ctx = ctx;
    this.#sweeps = sweeps;
    this.#everyMs = options.everyMs ?? 5_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.#runAll().finally(() => {
        this.#running = null;
      });
    }, this.#everyMs);
  }

  async #runAll(): Promise<void> {
    for (const sweep of this.#sweeps) {
      try {
        const moved = await sweep.run(this.#ctx, new Date());
        if (moved > 0) this.#ctx.logger.info({ count: moved }, sweep.name);
      } catch (err) {
        this.#ctx.logger.error({ err, sweep: sweep.name }, "a timed sweep failed; retrying on the next tick");
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
