// A running handler may give its queue slot back while it waits for
// something that is not its own work.
//
// A queue runs at most `concurrency` handlers at once so that work does not
// pile up on the process. A delivery waiting for its turn at a peer (the
// peer has not answered the one sent before it, src/federation/delivery-lanes.ts)
// does no work, yet it held a slot: with a fifth of 500 peers dead, their
// waiting deliveries took every slot and healthy peers' deliveries queued
// behind them (docs/performance.md, "Session 9 (faulty peers)"). While a
// handler waits aside, its message stays in hand (its lease is renewed as
// before) but the queue counts it out and leases work into its slot; when
// the wait ends, the handler carries on at once (the queue is over its
// concurrency until enough finish).
import { AsyncLocalStorage } from "node:async_hooks";

export interface QueueSlot {
  /** Called when the handler waits aside, and when it comes back. */
  readonly onAside: (aside: boolean) => void;
}

const storage = new AsyncLocalStorage<QueueSlot>();

/** Runs `handler` in `slot`, so that waitAside() within it can give the slot back. */
export function runInSlot<T>(slot: QueueSlot, handler: () => T): T {
  return storage.run(slot, handler);
}

/** Awaits `wait` with the running handler's queue slot given back meanwhile (outside a queue handler, just awaits it). */
export async function waitAside<T>(wait: Promise<T>): Promise<T> {
  const slot = storage.getStore();
  if (!slot) return wait;
  slot.onAside(true);
  try {
    return await wait;
  } finally {
    slot.onAside(false);
  }
}
