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
});
