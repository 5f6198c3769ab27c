// Deliveries that finish together are deleted together, and the slots they
// free are filled by one lease (ADR 0110): a fan-out's deliveries cost the
// database a few statements per batch, not per delivery, while order per key
// and "only the lease holder deletes" still hold.
import { sql, type CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { deleteFinishedMany } from "../../src/db/queue-finish.ts";
import { PostgresMessageQueue } from "../../src/db/queue.store.ts";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
let counter = 0;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

/** The same database, with every query it builds recorded. */
function recorded(): { handle: DatabaseHandle; statements: CompiledQuery[] } {
  const { plugin, statements } = captureStatements(handle.db, { everyQueryBuilt: true });
  return { handle: { ...handle, db: handle.db.withPlugin(plugin) }, statements };
}

const oneLine = (statements: CompiledQuery[]) => statements.map((q) => q.sql.replace(/\s+/g, " ").trim());
const deletes = (statements: CompiledQuery[]) => oneLine(statements).filter((s) => /delete from "?fedify_queue"?/i.test(s)).length;
const leases = (statements: CompiledQuery[]) =>
  oneLine(statements).filter((s) => /^update fedify_queue set locked_until = now\(\) \+ \$1::interval, locked_by/i.test(s)).length;

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("queue batches", () => {
  it("deletes messages that finish together in one statement and refills their slots with one lease", async () => {
    const { handle: counted, statements } = recorded();
    const queue = new PostgresMessageQueue(counted, { queueName: `batch-${++counter}`, concurrency: 20, pollIntervalMs: 5_000 });
    await queue.enqueueMany(Array.from({ length: 60 }, (_, n) => ({ n })));
    let release: () => void = () => {};
    let gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const done: number[] = [];
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { n: number }) => {
        started.push(m.n);
        await gate;
        done.push(m.n);
      },
      { signal: controller.signal },
    );
    // Three waves of 20: each released at once, as a fan-out's answers arrive together.
    for (let wave = 1; wave <= 3; wave++) {
      await until(() => started.length === wave * 20);
      const open = release;
      gate = new Promise<void>((resolve) => (release = resolve));
      open();
      await until(() => done.length === wave * 20);
    }
    controller.abort();
    await listening;
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, n) => n));
    expect((await queue.getDepth()).queued).toBe(0);
    // One per message was 60 of each.
    expect(deletes(statements)).toBeLessThanOrEqual(6);
    expect(leases(statements)).toBeLessThanOrEqual(8);
  });

  it("keeps each key's messages in order when their finishes are batched", async () => {
    const { handle: counted, statements } = recorded();
    const queue = new PostgresMessageQueue(counted, { queueName: `batch-${++counter}`, concurrency: 10, pollIntervalMs: 50 });
    // Ten keys (ten inboxes of one post), three activities each, as a Like, an Undo, a Like again.
    const messages = [];
    for (let step = 0; step < 3; step++) for (let key = 0; key < 10; key++) messages.push({ key, step });
    for (const m of messages) await queue.enqueue(m, { orderingKey: `post-1\nhttps://peer-${m.key}.example` });
    const seen = new Map<number, number[]>();
    let running = 0;
    let maxRunning = 0;
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: { key: number; step: number }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen.set(m.key, [...(seen.get(m.key) ?? []), m.step]);
        running--;
      },
      { signal: controller.signal },
    );
    await until(() => [...seen.values()].reduce((n, s) => n + s.length, 0) === 30);
    controller.abort();
    await listening;
    for (let key = 0; key < 10; key++) expect(seen.get(key)).toEqual([0, 1, 2]);
    // Keys ran side by side, and their finishes shared statements.
    expect(maxRunning).toBeGreaterThan(1);
    expect(deletes(statements)).toBeLessThan(30);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it("runs different likers' likes of one post to a slow peer side by side, and each Undo only after its Like (its retry included)", async () => {
    const queue = new PostgresMessageQueue(handle, { queueName: `batch-${++counter}`, concurrency: 16, pollIntervalMs: 50 });
    const inbox = "https://slow.example/inbox";
    // Keys as the like outbox makes them: per post *and* liker, per inbox origin.
    const keyOf = (liker: number) => `https://a.example/posts/1 https://a.example/users/liker${liker}\nhttps://slow.example`;
    type M = { type: "outbox"; inbox: string; attempt: number; activity: { type: "Like" | "Undo"; liker: number } };
    for (let liker = 0; liker < 24; liker++) {
      await queue.enqueue({ type: "outbox", inbox, attempt: 0, activity: { type: "Like", liker } } satisfies M, { orderingKey: keyOf(liker) });
      if (liker % 4 === 0)
        await queue.enqueue({ type: "outbox", inbox, attempt: 0, activity: { type: "Undo", liker } } satisfies M, { orderingKey: keyOf(liker) });
    }
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const controller = new AbortController();
    const listening = queue.listen(
      async (m: M) => {
        const name = `${m.activity.type}${m.activity.liker}#${m.attempt}`;
        events.push(`start ${name}`);
        running++;
        maxRunning = Math.max(maxRunning, running);
        // The peer answers late.
        await new Promise((resolve) => setTimeout(resolve, 50));
        running--;
        // Liker 8's Like fails once; Fedify enqueues its retry and returns.
        if (m.activity.type === "Like" && m.activity.liker === 8 && m.attempt === 0) {
          await queue.enqueue({ ...m, attempt: 1 }, { orderingKey: keyOf(8) });
          events.push(`failed ${name}`);
          return;
        }
        events.push(`done ${name}`);
      },
      { signal: controller.signal },
    );
    await until(() => events.filter((e) => e.startsWith("done")).length === 24 + 6);
    controller.abort();
    await listening;
    for (let liker = 0; liker < 24; liker += 4) {
      const liked = events.indexOf(`done Like${liker}#${liker === 8 ? 1 : 0}`);
      expect(liked).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(`start Undo${liker}#0`)).toBeGreaterThan(liked);
    }
    // Likes of one post to one peer were not sent one at a time.
    expect(maxRunning).toBeGreaterThan(4);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it("deletes only the rows this worker still holds, and unblocks only their keys", async () => {
    const queue = `batch-${++counter}`;
    const insert = (key: string, lockedBy: string | null, blocked: boolean) =>
      sql<{ id: number }>`
        insert into fedify_queue (queue, message, ordering_key, available_at, locked_until, locked_by, blocked)
        values (${queue}, ${JSON.stringify({ key })}, ${key}, now(), ${lockedBy === null ? null : sql`now() + interval '1 minute'`}, ${lockedBy}, ${blocked})
        returning id`
        .execute(handle.db)
        .then((r) => r.rows[0]!.id);
    const mineA = await insert("a", "me", false);
    const nextA = await insert("a", null, true);
    const theirsB = await insert("b", "other", false);
    const nextB = await insert("b", null, true);
    const gone = await deleteFinishedMany(
      handle.db,
      [
        { id: mineA, message: {}, ordering_key: "a" },
        { id: theirsB, message: {}, ordering_key: "b" },
      ],
      "me",
    );
    expect([...gone]).toEqual([mineA]);
    const left = await sql<{ id: number; blocked: boolean }>`select id, blocked from fedify_queue where queue = ${queue} order by id`.execute(handle.db);
    expect(left.rows).toEqual([
      { id: nextA, blocked: false },
      { id: theirsB, blocked: false },
      { id: nextB, blocked: true },
    ]);
  });
});
