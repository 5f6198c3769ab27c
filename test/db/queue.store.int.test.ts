// The durable delivery queue: order, delays, crash recovery (a message taken
// by a worker that dies is delivered again), several workers sharing one
// database without running a message twice, ordering keys, and draining.
import { Temporal } from "@js-temporal/polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { PostgresMessageQueue } from "../../src/db/queue.store.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
const extraHandles: DatabaseHandle[] = [];
let queueCounter = 0;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  for (const h of extraHandles) await h.close();
  await handle?.close();
});

function queueName(): string {
  queueCounter += 1;
  return `test-${queueCounter}`;
}

/** A second connection pool to the same database, as a second process would have. */
async function secondHandle(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) return handle;
  const searchPath = await handle.db.selectNoFrom((eb) => eb.fn<string>("current_schema", []).as("schema")).executeTakeFirstOrThrow();
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${searchPath.schema}`);
  const other = await openDatabase({ databaseUrl: parsed.href, dataDir: "memory://", poolSize: 3 });
  extraHandles.push(other);
  return other;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("PostgresMessageQueue", () => {
  it("delivers messages in the order they were enqueued", async () => {
    const queue = new PostgresMessageQueue(handle, { queueName: queueName(), concurrency: 1, pollIntervalMs: 50 });
    for (let i = 0; i < 5; i++) await queue.enqueue({ n: i });
    const seen: number[] = [];
    const controller = new AbortController();
    const listening = queue.listen((m: { n: number }) => void seen.push(m.n), { signal: controller.signal });
    await until(() => seen.length === 5);
    controller.abort();
    await listening;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it("holds a delayed message until its time", async () => {
    const queue = new PostgresMessageQueue(handle, { queueName: queueName(), pollIntervalMs: 50 });
    const enqueuedAt = Date.now();
    await queue.enqueue({ late: true }, { delay: Temporal.Duration.from({ milliseconds: 800 }) });
    expect(await queue.getDepth()).toMatchObject({ queued: 1, delayed: 1, ready: 0 });
    let deliveredAt = 0;
    const controller = new AbortController();
    const listening = queue.listen(() => void (deliveredAt = Date.now()), { signal: controller.signal });
    await until(() => deliveredAt > 0);
    controller.abort();
    await listening;
    expect(deliveredAt - enqueuedAt).toBeGreaterThanOrEqual(750);
  });

  it("delivers again a message whose worker died holding it", async () => {
    const name = queueName();
    const crashed = new PostgresMessageQueue(handle, { queueName: name, workerId: "dies", leaseMs: 300, pollIntervalMs: 50 });
    await crashed.enqueue({ job: "important" });
    // The "dying" worker takes the message and never finishes or acknowledges it.
    const taken = await crashed.lease();
    expect(taken?.message).toEqual({ job: "important" });

    const survivor = new PostgresMessageQueue(await secondHandle(), { queueName: name, workerId: "survives", pollIntervalMs: 50 });
    const seen: unknown[] = [];
    const controller = new AbortController();
    const listening = survivor.listen((m) => void seen.push(m), { signal: controller.signal });
    // Invisible while the lease holds…
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([]);
    // …delivered once it expires.
    await until(() => seen.length === 1);
    controller.abort();
    await listening;
    expect(seen).toEqual([{ job: "important" }]);
    expect((await survivor.getDepth()).queued).toBe(0);
  });

  it("lets two workers share the queue without running any message twice", async () => {
    const name = queueName();
    const producer = new PostgresMessageQueue(handle, { queueName: name });
    await producer.enqueueMany(Array.from({ length: 200 }, (_, i) => ({ n: i })));
    const counts = new Map<number, number>();
    const record = async (m: { n: number }) => {
      counts.set(m.n, (counts.get(m.n) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const one = new PostgresMessageQueue(handle, { queueName: name, workerId: "one", concurrency: 4, pollIntervalMs: 50 });
    const two = new PostgresMessageQueue(await secondHandle(), { queueName: name, workerId: "two", concurrency: 4, pollIntervalMs: 50 });
    const controller = new AbortController();
    const listening = [one.listen(record, { signal: controller.signal }), two.listen(record, { signal: controller.signal })];
    await until(() => counts.size === 200, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await Promise.all(listening);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect(counts.size).toBe(200);
  });

  it("keeps a message whose handler outlasts the lease from running twice (the lease is renewed while it runs)", async () => {
    const name = queueName();
    const producer = new PostgresMessageQueue(handle, { queueName: name });
    await producer.enqueue({ job: "slow delivery" });
    let runs = 0;
    let finished = 0;
    // A peer that takes five leases' time to answer.
    const slow = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      finished++;
    };
    const one = new PostgresMessageQueue(handle, { queueName: name, workerId: "one", leaseMs: 300, pollIntervalMs: 50 });
    const two = new PostgresMessageQueue(await secondHandle(), { queueName: name, workerId: "two", leaseMs: 300, pollIntervalMs: 50 });
    const controller = new AbortController();
    const listening = [one.listen(slow, { signal: controller.signal }), two.listen(slow, { signal: controller.signal })];
    await until(() => finished > 0, 20_000);
    // Past several lease lengths more: no second run follows.
    await new Promise((resolve) => setTimeout(resolve, 900));
    controller.abort();
    await Promise.all(listening);
    expect(runs).toBe(1);
    expect((await producer.getDepth()).queued).toBe(0);
  });

  it("writes what a fan-out enqueues together with the fan-out's completion, so a crash in between cannot deliver twice", async () => {
    const fanoutName = queueName();
    const deliveriesName = queueName();
    const fanout = new PostgresMessageQueue(handle, { queueName: fanoutName, atomicEnqueues: true, pollIntervalMs: 50 });
    const deliveries = new PostgresMessageQueue(handle, { queueName: deliveriesName });
    await fanout.enqueue({ inboxes: ["https://a.example/inbox", "https://b.example/inbox", "https://c.example/inbox"] });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let enqueued = false;
    const controller = new AbortController();
    const listening = fanout.listen(
      async (m: { inboxes: string[] }) => {
        await deliveries.enqueueMany(m.inboxes.map((inbox) => ({ inbox })));
        enqueued = true;
        // A worker that died here would leave the fan-out queued: its
        // deliveries must not be queued yet, or the next run queues them again.
        await released;
      },
      { signal: controller.signal },
    );
    await until(() => enqueued);
    expect((await deliveries.getDepth()).queued).toBe(0);
    expect((await fanout.getDepth()).queued).toBe(1);
    release();
    const seen: unknown[] = [];
    const deliveriesListening = deliveries.listen((m) => void seen.push(m), { signal: controller.signal });
    await until(() => seen.length === 3);
    expect((await fanout.getDepth()).queued).toBe(0);
    controller.abort();
    await Promise.all([listening, deliveriesListening]);
    expect(seen).toEqual([{ inbox: "https://a.example/inbox" }, { inbox: "https://b.example/inbox" }, { inbox: "https://c.example/inbox" }]);
  });

  it("drops what a handler enqueued when its message was taken over by another worker meanwhile", async () => {
    const fanoutName = queueName();
    const deliveriesName = queueName();
    let errors = 0;
    const fanout = new PostgresMessageQueue(handle, {
      queueName: fanoutName,
      workerId: "stalled",
      atomicEnqueues: true,
      pollIntervalMs: 50,
      onError: () => errors++,
    });
    const deliveries = new PostgresMessageQueue(handle, { queueName: deliveriesName });
    await fanout.enqueue({ inboxes: ["https://a.example/inbox"] });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let enqueued = false;
    const controller = new AbortController();
    const listening = fanout.listen(
      async (m: { inboxes: string[] }) => {
        await deliveries.enqueueMany(m.inboxes.map((inbox) => ({ inbox })));
        enqueued = true;
        await released;
      },
      { signal: controller.signal },
    );
    await until(() => enqueued);
    // This worker stalled past its lease and another took the message over.
    await handle.db.updateTable("fedify_queue").set({ locked_by: "took-over" }).where("queue", "=", fanoutName).execute();
    release();
    await until(() => errors > 0);
    controller.abort();
    await listening;
    // The other worker will make the deliveries; this run left none behind.
    expect((await deliveries.getDepth()).queued).toBe(0);
    expect((await fanout.getDepth()).queued).toBe(1);
  });

  it("applies an incoming message in its enqueue when this process listens with a free slot, and queues it otherwise", async () => {
    const name = queueName();
    const inbox = new PostgresMessageQueue(handle, { queueName: name, runInline: true, concurrency: 1, pollIntervalMs: 50 });
    const applied: unknown[] = [];
    // Nobody listens here yet (a web process beside the workers): queued.
    await inbox.enqueue({ activity: 1 });
    expect((await inbox.getDepth()).queued).toBe(1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const controller = new AbortController();
    const listening = inbox.listen(
      async (m: { activity: number }) => {
        if (m.activity === 2) await held;
        applied.push(m);
      },
      { signal: controller.signal },
    );
    await until(() => applied.length === 1);
    // Listening with a free slot: done when the enqueue resolves, no row written.
    let secondDone = false;
    const second = inbox.enqueue({ activity: 2 }).then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondDone).toBe(false);
    // Its one slot busy: the next is queued (and the listener runs it).
    await inbox.enqueue({ activity: 3 });
    release();
    await second;
    expect(applied).toContainEqual({ activity: 2 });
    await until(() => applied.length === 3);
    // Delayed messages (Fedify's retries) are always queued.
    await inbox.enqueue({ activity: 4 }, { delay: Temporal.Duration.from({ milliseconds: 200 }) });
    expect((await inbox.getDepth()).queued).toBe(1);
    await until(() => applied.length === 4);
    controller.abort();
    await listening;
    expect((await inbox.getDepth()).queued).toBe(0);
  });

  it("runs messages with the same ordering key one at a time, in order", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 4, pollIntervalMs: 20 });
    for (let i = 0; i < 6; i++) await queue.enqueue({ n: i }, { orderingKey: "post-1" });
    const seen: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { n: number }) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        seen.push(m.n);
        running -= 1;
      },
      { signal: controller.signal },
    );
    await until(() => seen.length === 6);
    controller.abort();
    await listening;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxRunning).toBe(1);
  });

  it("finishes the messages in hand when asked to stop", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 2, pollIntervalMs: 20 });
    await queue.enqueueMany([{ n: 1 }, { n: 2 }]);
    const finished: number[] = [];
    let started = 0;
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { n: number }) => {
        started += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished.push(m.n);
      },
      { signal: controller.signal },
    );
    await until(() => started === 2);
    controller.abort();
    await listening;
    expect(finished.sort()).toEqual([1, 2]);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it("drops an edit that has not left yet when a newer edit of the same object to the same inbox is queued", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 1, pollIntervalMs: 20 });
    const edit = (n: number, inbox = "https://b.example/inbox") => ({
      type: "outbox",
      inbox,
      activity: { type: "Announce", id: `https://a.example/a/${n}`, object: { type: "Update", object: { id: "https://a.example/posts/1", content: `v${n}` } } },
    });
    const like = {
      type: "outbox",
      inbox: "https://b.example/inbox",
      activity: { type: "Like", id: "https://a.example/l/1", object: "https://a.example/posts/1" },
    };
    // The first edit is on its way (leased): it stays.
    await queue.enqueue(edit(1), { orderingKey: "post-1" });
    const inFlight = await queue.lease();
    expect(inFlight).not.toBeNull();
    await queue.enqueue(edit(2), { orderingKey: "post-1" });
    await queue.enqueue(like, { orderingKey: "post-1" });
    await queue.enqueue(edit(3), { orderingKey: "post-1" });
    await queue.enqueue(edit(4, "https://c.example/inbox"), { orderingKey: "post-1" });
    const rows = await handle.db.selectFrom("fedify_queue").select("message").where("queue", "=", name).orderBy("id").execute();
    const left = rows.map((r) => {
      const m = r.message as { inbox: string; activity: { type: string; object?: { object?: { content?: string } } } };
      return `${m.activity.type}:${m.activity.object?.object?.content ?? ""}@${new URL(m.inbox).host}`;
    });
    // v2 is gone (v3 supersedes it); v1 is in flight; the like and the other inbox's edit stay.
    expect(left).toEqual(["Announce:v1@b.example", "Like:@b.example", "Announce:v3@b.example", "Announce:v4@c.example"]);
  });
  it("lets another key's message run while a long backlog waits behind one key", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 2, pollIntervalMs: 20 });
    await queue.enqueueMany(
      Array.from({ length: 300 }, (_, n) => ({ key: "busy", n })),
      { orderingKey: "post-busy" },
    );
    let releaseHead!: () => void;
    const headHeld = new Promise<void>((resolve) => (releaseHead = resolve));
    const seen: string[] = [];
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { key: string; n: number }) => {
        if (m.key === "busy" && m.n === 0) await headHeld;
        seen.push(`${m.key}${m.n}`);
      },
      { signal: controller.signal },
    );
    await queue.enqueue({ key: "other", n: 0 }, { orderingKey: "post-other" });
    await until(() => seen.includes("other0"));
    // The busy key's head is still running; nothing behind it has run.
    expect(seen).toEqual(["other0"]);
    releaseHead();
    await until(() => seen.length === 301, 60_000);
    controller.abort();
    await listening;
    expect(seen.filter((s) => s.startsWith("busy"))).toEqual(Array.from({ length: 300 }, (_, n) => `busy${n}`));
  });

  it("runs the next message of a key whose queued head was superseded by a newer edit", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 1, pollIntervalMs: 20 });
    const edit = (n: number) => ({
      type: "outbox",
      inbox: "https://b.example/inbox",
      activity: { type: "Update", id: `https://a.example/u/${n}`, object: { id: "https://a.example/posts/9", content: `v${n}` } },
    });
    const like = {
      type: "outbox",
      inbox: "https://b.example/inbox",
      activity: { type: "Like", id: "https://a.example/l/9", object: "https://a.example/posts/9" },
    };
    await queue.enqueue(edit(1), { orderingKey: "post-9" });
    await queue.enqueue(like, { orderingKey: "post-9" });
    // v2 replaces v1, which was the head (not yet leased): the like is next.
    await queue.enqueue(edit(2), { orderingKey: "post-9" });
    const seen: string[] = [];
    const controller = new AbortController();
    const listening = queue.listen(
      (m: { activity: { type: string; object: { content?: string } | string } }) => {
        seen.push(`${m.activity.type}${typeof m.activity.object === "string" ? "" : `:${m.activity.object.content}`}`);
      },
      { signal: controller.signal },
    );
    await until(() => seen.length === 2);
    controller.abort();
    await listening;
    expect(seen).toEqual(["Like", "Update:v2"]);
  });

  it("releases a message left waiting with nothing ahead of it (a race between two processes)", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 1, pollIntervalMs: 20 });
    // As if its predecessor had been finished by another process just before it was inserted.
    await handle.db
      .insertInto("fedify_queue")
      .values({ queue: name, message: JSON.stringify({ n: 1 }), ordering_key: "post-orphan", blocked: true } as never)
      .execute();
    expect(await queue.lease()).toBeNull();
    const seen: number[] = [];
    const controller = new AbortController();
    const listening = queue.listen((m: { n: number }) => void seen.push(m.n), { signal: controller.signal });
    await until(() => seen.length === 1, 15_000);
    controller.abort();
    await listening;
    expect(seen).toEqual([1]);
  });
  it("writes messages enqueued together in one go, each key still in order", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 8, pollIntervalMs: 20 });
    // As Fedify enqueues a keyed fan-out: one call per inbox, all at once.
    await Promise.all(Array.from({ length: 40 }, (_, n) => queue.enqueue({ inbox: n % 4, n }, { orderingKey: `post-1\nhttps://i${n % 4}.example` })));
    expect((await queue.getDepth()).queued).toBe(40);
    const seen: Array<{ inbox: number; n: number }> = [];
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { inbox: number; n: number }) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(m);
      },
      { signal: controller.signal },
    );
    await until(() => seen.length === 40, 30_000);
    controller.abort();
    await listening;
    for (let inbox = 0; inbox < 4; inbox++) {
      expect(seen.filter((m) => m.inbox === inbox).map((m) => m.n)).toEqual(Array.from({ length: 10 }, (_, i) => i * 4 + inbox));
    }
  });
  it("runs a failed message's retry before the messages queued behind it (a Like before its Undo)", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 4, pollIntervalMs: 20 });
    const key = "post-7 liker-1\nhttps://b.example";
    await queue.enqueue({ type: "outbox", activity: { type: "Like" }, attempt: 0 }, { orderingKey: key });
    await queue.enqueue({ type: "outbox", activity: { type: "Undo" }, attempt: 0 }, { orderingKey: key });
    const seen: string[] = [];
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { activity: { type: string }; attempt: number }) => {
        seen.push(`${m.activity.type}#${m.attempt}`);
        // As Fedify does on a failed delivery: enqueue the retry, then return.
        if (m.activity.type === "Like" && m.attempt === 0) await queue.enqueue({ ...m, attempt: 1 }, { orderingKey: key });
      },
      { signal: controller.signal },
    );
    await until(() => seen.length === 3);
    controller.abort();
    await listening;
    expect(seen).toEqual(["Like#0", "Like#1", "Undo#0"]);
  });

  it("drops a retried edit when a newer edit of the object to the inbox is queued, and keeps the newer", async () => {
    const name = queueName();
    const queue = new PostgresMessageQueue(handle, { queueName: name, concurrency: 1, pollIntervalMs: 20 });
    const key = "post-8\nhttps://b.example";
    const edit = (v: number, attempt = 0) => ({
      type: "outbox",
      inbox: "https://b.example/inbox",
      attempt,
      activity: { type: "Update", id: `https://a.example/u/${v}`, object: { id: "https://a.example/posts/8", content: `v${v}` } },
    });
    await queue.enqueue(edit(1), { orderingKey: key });
    const seen: string[] = [];
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: ReturnType<typeof edit>) => {
        seen.push(`${m.activity.object.content}#${m.attempt}`);
        if (m.attempt === 0 && m.activity.object.content === "v1") {
          // While v1 fails, v2 is queued; then v1's retry is enqueued.
          await queue.enqueue(edit(2), { orderingKey: key });
          await queue.enqueue({ ...m, attempt: 1 }, { orderingKey: key });
        }
      },
      { signal: controller.signal },
    );
    await until(() => seen.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await listening;
    expect(seen).toEqual(["v1#0", "v2#0"]);
    expect((await queue.getDepth()).queued).toBe(0);
  });
});
