// A batch of deliveries reads its hosts' circuit-breaker state and signature
// spec in one statement (ADR 0110): what it found is then served from
// memory, a failing host's state is still read from the table, and this
// process's own writes are seen at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { PostgresKvStore } from "../../src/db/kv.store.ts";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { deliveryStateKeys, prefetchDeliveryState } from "../../src/federation/delivery-prefetch.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

function counted(): { handle: DatabaseHandle; reads: () => number } {
  const { plugin, statements } = captureStatements(handle.db, { everyQueryBuilt: true });
  const reads = () => statements.filter((q) => /^select .* from "fedify_kv"/i.test(q.sql)).length;
  return { handle: { ...handle, db: handle.db.withPlugin(plugin) }, reads };
}

const outbox = (inbox: string) => ({ type: "outbox", id: crypto.randomUUID(), inbox, activity: {} });
const failing = { state: "closed", failures: ["2026-12-01T20:00:00Z"] };

describe("delivery state read per batch", () => {
  it("names each host's breaker state and each origin's signature spec once", () => {
    const keys = deliveryStateKeys([
      outbox("https://a.example/inbox"),
      outbox("https://a.example/users/x/inbox"),
      outbox("https://b.example:8443/inbox"),
      { type: "fanout", inbox: "https://c.example/inbox" },
      { type: "outbox", inbox: "not a url" },
    ]);
    expect(keys).toEqual([
      ["_fedify", "circuit", "a.example"],
      ["_fedify", "httpMessageSignaturesSpec", "https://a.example"],
      ["_fedify", "circuit", "b.example:8443"],
      ["_fedify", "httpMessageSignaturesSpec", "https://b.example:8443"],
    ]);
  });

  it("reads a batch's hosts in one statement, then serves what it found from memory", async () => {
    const other = new PostgresKvStore(handle);
    await other.set(["_fedify", "httpMessageSignaturesSpec", "https://known.example"], "draft-cavage-http-signatures-12");
    await other.set(["_fedify", "circuit", "failing.example"], failing);
    const { handle: h, reads } = counted();
    const kv = new PostgresKvStore(h);
    const batch = ["https://known.example/inbox", "https://failing.example/inbox", "https://new.example/inbox"].map(outbox);
    await prefetchDeliveryState(kv, batch, 5_000);
    expect(reads()).toBe(1);
    expect(await kv.get(["_fedify", "httpMessageSignaturesSpec", "https://known.example"])).toBe("draft-cavage-http-signatures-12");
    expect(await kv.get(["_fedify", "httpMessageSignaturesSpec", "https://new.example"])).toBeUndefined();
    expect(await kv.get(["_fedify", "circuit", "known.example"])).toBeUndefined();
    expect(await kv.get(["_fedify", "circuit", "new.example"])).toBeUndefined();
    expect(reads()).toBe(1);
    // A host with a state (failing) is always read from the table.
    expect(await kv.get(["_fedify", "circuit", "failing.example"])).toEqual(failing);
    expect(reads()).toBe(2);
  });

  it("sees its own write at once, and another process's once the absence it remembered runs out", async () => {
    const kv = new PostgresKvStore(handle);
    const other = new PostgresKvStore(handle);
    await prefetchDeliveryState(kv, ["https://mine.example/inbox", "https://theirs.example/inbox"].map(outbox), 300);
    await kv.set(["_fedify", "circuit", "mine.example"], failing);
    expect(await kv.get(["_fedify", "circuit", "mine.example"])).toEqual(failing);
    await other.set(["_fedify", "circuit", "theirs.example"], failing);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await kv.get(["_fedify", "circuit", "theirs.example"])).toEqual(failing);
  });
});
