// Enqueues that arrive together are written together. Fedify enqueues a
// keyed fan-out (a group relay to every member instance, each with its own
// ordering key) as one enqueue() call per inbox, all at once; and concurrent
// inbox POSTs each enqueue one message. Collected until the next turn of the
// event loop, they become one multi-row INSERT and one NOTIFY instead of one
// of each per message, and every caller's promise settles with that write.
// Order is kept: rows are inserted in the order the calls were made.

export interface PendingRow {
  message: unknown;
  orderingKey: string | null;
  delayMs: number;
}

export class EnqueueBatcher {
  readonly #write: (rows: PendingRow[]) => Promise<void>;
  #pending: Array<{ rows: PendingRow[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  #scheduled = false;

  constructor(write: (rows: PendingRow[]) => Promise<void>) {
    this.#write = write;
  }

  add(rows: PendingRow[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ rows, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    try {
      await this.#write(batch.flatMap((b) => b.rows));
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}
