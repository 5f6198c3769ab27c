// Fedify's key-value store on our table: on PGlite, and on PostgreSQL when
// DATABASE_URL is set.
import { Temporal } from "@js-temporal/polyfill";
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

describe("PostgresKvStore", () => {
  it("stores, reads, overwrites and deletes values of any JSON shape", async () => {
    expect(await kv.get(["a", "missing"])).toBeUndefined();
    await kv.set(["a", "1"], { nested: [1, "two", null], flag: true });
    expect(await kv.get(["a", "1"])).toEqual({ nested: [1, "two", null], flag: true });
    await kv.set(["a", "1"], "replaced");
    expect(await kv.get(["a", "1"])).toBe("replaced");
    await kv.set(["a", "null"], null);
    expect(await kv.get(["a", "null"])).toBeNull();
    await kv.delete(["a", "1"]);
    expect(await kv.get(["a", "1"])).toBeUndefined();
  });

  it("hides an entry once its TTL has passed, and purges it", async () => {
    await kv.set(["ttl"], "short", { ttl: Temporal.Duration.from({ milliseconds: 200 }) });
    await kv.set(["ttl", "long"], "long", { ttl: Temporal.Duration.from({ hours: 1 }) });
    expect(await kv.get(["ttl"])).toBe("short");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await kv.get(["ttl"])).toBeUndefined();
    expect(await kv.get(["ttl", "long"])).toBe("long");
    expect(await kv.purgeExpired()).toBeGreaterThanOrEqual(1);
  });

  it("compare-and-swap succeeds only against the current value", async () => {
    expect(await kv.cas(["cas"], undefined, 1)).toBe(true);
    expect(await kv.cas(["cas"], undefined, 2)).toBe(false);
    expect(await kv.cas(["cas"], 5, 2)).toBe(false);
    expect(await kv.cas(["cas"], 1, 2)).toBe(true);
    expect(await kv.get(["cas"])).toBe(2);
  });

  it("concurrent compare-and-swaps: exactly one wins", async () => {
    await kv.set(["race"], 0);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => kv.cas(["race"], 0, i + 1)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("lists entries under a key prefix only", async () => {
    await kv.set(["list", "x", "1"], 1);
    await kv.set(["list", "x", "2"], 2);
    await kv.set(["list", "y"], 3);
    await kv.set(["listing"], 4);
    const found: Array<[readonly string[], unknown]> = [];
    for await (const entry of kv.list(["list", "x"])) found.push([entry.key, entry.value]);
    expect(found).toEqual([
      [["list", "x", "1"], 1],
      [["list", "x", "2"], 2],
    ]);
  });
  it("serves a read-mostly key from memory for a few seconds, and its own writes at once", async () => {
    const here = new PostgresKvStore(handle, { memoryTtlMs: 300 });
    const elsewhere = new PostgresKvStore(handle, { memoryTtlMs: 300 });
    const key = ["_fedify", "publicKey", "https://peer.example/users/a#main-key"] as const;
    await here.set(key, { pem: "old" });
    expect(await here.get(key)).toEqual({ pem: "old" });
    // Another process rotates it: seen here once the short TTL has passed.
    await elsewhere.set(key, { pem: "new" });
    expect(await here.get(key)).toEqual({ pem: "old" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await here.get(key)).toEqual({ pem: "new" });
    // Its own write and delete are seen at once.
    await here.set(key, { pem: "newer" });
    expect(await here.get(key)).toEqual({ pem: "newer" });
    await here.delete(key);
    expect(await here.get(key)).toBeUndefined();
    // What a caller does to the value it got does not change the cache.
    await here.set(key, { pem: "kept" });
    const got = (await here.get<{ pem: string }>(key))!;
    got.pem = "changed";
    expect(await here.get(key)).toEqual({ pem: "kept" });
  });

  it("never keeps Fedify's idempotence records (keyed without the sender, finding 50): no row, and a read says never seen", async () => {
    const here = new PostgresKvStore(handle);
    const seen = ["_fedify", "activityIdempotence", "https://peer.example/activities/1"] as const;
    await here.set(seen, true, { ttl: Temporal.Duration.from({ milliseconds: 300_000 }) });
    expect(await here.get(seen)).toBeUndefined();
    const rows = await handle.db.selectFrom("fedify_kv").select("key").execute();
    expect(rows.map((r) => JSON.stringify(r.key))).not.toContain(JSON.stringify(seen));
    await here.delete(seen);
    // The control: any other key is kept.
    const other = ["_fedify", "publicKey", "https://peer.example/users/a#main-key"] as const;
    await here.set(other, { pem: "kept" });
    expect(await new PostgresKvStore(handle).get(other)).toEqual({ pem: "kept" });
  });

  it("never caches circuit state: another process's write is seen at once", async () => {
    const here = new PostgresKvStore(handle, { memoryTtlMs: 60_000 });
    const elsewhere = new PostgresKvStore(handle, { memoryTtlMs: 60_000 });
    const circuit = ["_fedify", "circuit", "peer.example"] as const;
    expect(await here.cas(circuit, undefined, { failures: 1 })).toBe(true);
    expect(await elsewhere.cas(circuit, { failures: 1 }, { failures: 2 })).toBe(true);
    expect(await here.get(circuit)).toEqual({ failures: 2 });
  });

  it("remembers for a moment that a host has no circuit state, and sees its own writes at once", async () => {
    const here = new PostgresKvStore(handle, { absenceTtlMs: 300 });
    const elsewhere = new PostgresKvStore(handle);
    const circuit = ["_fedify", "circuit", "healthy.example"] as const;
    expect(await here.get(circuit)).toBeUndefined();
    // Another process finds the host failing: seen here once the moment has passed.
    expect(await elsewhere.cas(circuit, undefined, { failures: 1 })).toBe(true);
    expect(await here.get(circuit)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await here.get(circuit)).toEqual({ failures: 1 });
    // A present state is never served from memory; this process's own change is seen at once.
    expect(await elsewhere.cas(circuit, { failures: 1 }, { failures: 2 })).toBe(true);
    expect(await here.get(circuit)).toEqual({ failures: 2 });
    const other = ["_fedify", "circuit", "other.example"] as const;
    expect(await here.get(other)).toBeUndefined();
    expect(await here.cas(other, undefined, { failures: 1 })).toBe(true);
    expect(await here.get(other)).toEqual({ failures: 1 });
  });

  it("does not serve a cached value past the stored entry's own TTL", async () => {
    const here = new PostgresKvStore(handle, { memoryTtlMs: 60_000 });
    const key = ["_fedify", "remoteDocument", "https://peer.example/doc"] as const;
    await here.set(key, { doc: 1 }, { ttl: Temporal.Duration.from({ milliseconds: 200 }) });
    expect(await here.get(key)).toEqual({ doc: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await here.get(key)).toBeUndefined();
  });
});
