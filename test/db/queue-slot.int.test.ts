// A handler waiting aside (src/db/queue-slot.ts) gives its slot back: with
// one slot, a message whose handler waits for something that is not its own
// work (a delivery waiting for a dead peer's turn) does not keep the next
// message from running, and it still finishes, once, when its wait ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { waitAside } from "../../src/db/queue-slot.ts";
import { PostgresMessageQueue } from "../../src/db/queue.store.ts";
import { eventually } from "../helpers/instances.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

describe("a handler waiting aside", () => {
  it("lets the next message run in its slot, and finishes once its wait ends", async () => {
    const queue = new PostgresMessageQueue(handle, { queueName: "slot-aside", concurrency: 1, pollIntervalMs: 50 });
    let release: () => void = () => {};
    const turn = new Promise<void>((resolve) => (release = resolve));
    const done: string[] = [];
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { name: string; aside?: boolean }) => {
        if (m.aside) await waitAside(turn);
        done.push(m.name);
      },
      { signal: controller.signal },
    );
    await queue.enqueue({ name: "waits for a dead peer", aside: true });
    await queue.enqueue({ name: "healthy 1" });
    await queue.enqueue({ name: "healthy 2" });
    await eventually(() => done.length === 2);
    expect(done).toEqual(["healthy 1", "healthy 2"]);
    release();
    await eventually(() => done.length === 3);
    controller.abort();
    await listening;
    expect(done).toEqual(["healthy 1", "healthy 2", "waits for a dead peer"]);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it("outside a queue, just waits", async () => {
    expect(await waitAside(Promise.resolve(7))).toBe(7);
  });
});
