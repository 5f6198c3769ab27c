// An incoming activity applied in the request that brought it, when the
// process can.
//
// Fedify hands every verified activity to the inbox queue and answers 202
// once it is enqueued; a worker then leases, runs and deletes it. On one
// process with a free handler slot that round trip (insert, NOTIFY, lease,
// delete: four statements, a JSON copy each way) buys nothing: the enqueue
// can run the handler itself and resolve once it is done, so the 202 means
// "applied", which is at least as durable as "queued". When no listener runs
// here (a web process beside workers, ECOTONE_QUEUE_WORKERS=false) or every
// slot is busy, the message is queued as before; a handler's retry (Fedify
// enqueues it with a delay) is always queued (ADR 0104).

export type Handler = (message: unknown) => Promise<void> | void;

export class InlineRunner {
  readonly #max: number;
  readonly #onError: (error: unknown, message: unknown) => void;
  #handler: Handler | null = null;
  #running = 0;

  constructor(max: number, onError: (error: unknown, message: unknown) => void) {
    this.#max = max;
    this.#onError = onError;
  }

  /** The listener of this process; null when it stops. */
  attach(handler: Handler | null): void {
    this.#handler = handler;
  }

  /** Runs the message now and resolves when it is done; false when it must be queued. */
  async tryRun(message: unknown): Promise<boolean> {
    const handler = this.#handler;
    if (handler === null || this.#running >= this.#max) return false;
    this.#running++;
    try {
      await handler(message);
    } catch (error) {
      // As a queued run: Fedify re-enqueues failed work itself.
      this.#onError(error, message);
    } finally {
      this.#running--;
    }
    return true;
  }
}
