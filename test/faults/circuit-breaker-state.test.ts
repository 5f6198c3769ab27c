// Faults: the circuit breaker's memory. Fedify keeps each remote host's
// circuit state in our key-value store (src/db/kv.store.ts) and changes it
// with compare-and-swap; when a host recovers it swaps the state for
// `undefined`, which means "no entry" (Fedify's own MemoryKvStore keeps it
// as absent). PostgresKvStore once stored it as `{"v": null}` and read it
// back as `null`, so every later swap "from absent" failed: after a host had
// recovered once, its circuit never opened again. Now such a swap deletes the
// entry (docs/security.md, finding 6).
// test/faults/member-down.test.ts shows the open circuit at work on a fresh
// host; this file pins the store's contract.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { PostgresKvStore } from "../../src/db/kv.store.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
let kv: PostgresKvStore;

beforeAll(async () => {
  handle = await openTestDatabase();
  kv = new PostgresKvStore(handle);
});

afterAll(async () => {
  await handle?.close();
});

describe("compare-and-swap as the circuit breaker uses it", () => {
  it("opens, records failures and closes a circuit on a fresh key", async () => {
    const key = ["_fedify", "circuit", "fresh.example"] as const;
    const closed = { state: "closed", failures: ["2026-01-01T00:00:00Z"] };
    const open = { state: "open", failures: closed.failures, opened: "2026-01-01T00:00:01Z" };
    expect(await kv.cas(key, undefined, closed)).toBe(true);
    expect(await kv.cas(key, closed, open)).toBe(true);
    expect(await kv.get(key)).toEqual(open);
    // A stale expectation loses.
    expect(await kv.cas(key, closed, { state: "closed", failures: [] })).toBe(false);
  });

  // docs/security.md, finding 6 (fixed): PostgresKvStore.cas (and set)
  // delete the entry when the new value is undefined.
  it("a swap to undefined removes the entry, so the next failure can be recorded", async () => {
    const key = ["_fedify", "circuit", "recovered.example"] as const;
    const open = { state: "open", failures: ["2026-01-01T00:00:00Z"], opened: "2026-01-01T00:00:00Z" };
    expect(await kv.cas(key, undefined, open)).toBe(true);
    // The host answered again: recordSuccess swaps the state for undefined.
    expect(await kv.cas(key, open, undefined)).toBe(true);
    expect(await kv.get(key)).toBeUndefined();
    // The next failure starts a new closed state "from absent".
    expect(await kv.cas(key, undefined, { state: "closed", failures: ["2026-01-02T00:00:00Z"] })).toBe(true);
  });
});
