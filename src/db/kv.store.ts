// Fedify's KvStore on the fedify_kv table (key cache, circuit-breaker state;
// Fedify's idempotence records are not kept, see UNKEPT_PREFIXES). Structurally satisfies Fedify's interface without
// importing it: src/federation hands it to Fedify.
import { sql, type Kysely } from "kysely";
import type { DatabaseHandle } from "./database.ts";
import type { Database } from "./schema.ts";

export type KvKey = readonly [string] | readonly [string, ...string[]];

/** Temporal.Duration, as Fedify passes it (polyfill or native). */
interface DurationLike {
  total(unit: "millisecond" | { unit: "millisecond" }): number;
}

function toMillis(ttl: DurationLike | undefined): number | null {
  if (!ttl) return null;
  try {
    return ttl.total({ unit: "millisecond" });
  } catch {
    return ttl.total("millisecond");
  }
}

function expiresAt(ttl: DurationLike | undefined): Date | null {
  const ms = toMillis(ttl);
  return ms === null ? null : new Date(Date.now() + ms);
}

/** JSON has no `undefined`; wrap every value so `null` and absent stay distinct. */
function encode(value: unknown): string {
  return JSON.stringify({ v: value === undefined ? null : value });
}

function decode<T>(stored: unknown): T {
  return (stored as { v: T }).v;
}

/**
 * Read-mostly keys that may be served from memory for a few seconds: copies
 * of remote data (public keys, documents, which signature spec a peer
 * speaks), where another process's newer write being seen a few seconds late
 * is harmless. Idempotence records and circuit-breaker state are never cached
 * (another process's write must be seen at once).
 */
const CACHED_PREFIXES = ["publicKey", "remoteDocument", "httpMessageSignaturesSpec"];

/**
 * Keys Fedify writes that are never kept: its activity idempotence records.
 * Fedify keys them by *our* origin and the activity id only, not by who sent
 * it, and writes one after any listener that returns — a refusal by the gate
 * included. A hostile peer could therefore send a signed, refused activity
 * under an honest server's (predictable, or relayed to it) id, and Fedify
 * would then drop the honest activity as "already processed" (finding 50).
 * The one record of an incoming activity is our inbox log, keyed by the
 * verified sender's origin and the id and written in the transaction that
 * applies it (src/services/incoming.ts, ADR 0103): every handler is
 * idempotent through it, so a re-delivery costs a handler call, not a
 * second effect. Reads answer "never seen"; writes are dropped.
 */
const UNKEPT_PREFIXES = ["activityIdempotence"];

/**
 * Keys whose *absence* may be served from memory for a moment: Fedify's
 * circuit-breaker state, read two or three times per delivery and, for a
 * healthy host, absent. Remembering "no state" for a second saves those reads
 * in a fan-out; a state another process records (a host it found dead) is
 * seen at most that second late, which changes nothing a circuit breaker
 * promises. Present states are always read from the table. A peer's
 * signature spec (a read-mostly copy) is absent until a first delivery
 * records it.
 */
const ABSENCE_PREFIXES = ["circuit", "httpMessageSignaturesSpec"];

export interface KvStoreOptions {
  /** How long a read-mostly value is served from memory (0: never). */
  memoryTtlMs?: number;
  memoryMaxEntries?: number;
  /** How long an absent circuit-breaker state is remembered (0: never). */
  absenceTtlMs?: number;
  /** How many remembered absences are kept, oldest dropped first. */
  absenceMaxEntries?: number;
}

export class PostgresKvStore {
  readonly #db: Kysely<Database>;
  readonly #memoryTtlMs: number;
  readonly #memoryMax: number;
  // Values kept as JSON text, so a caller that mutates what it got cannot change the cache.
  readonly #memory = new Map<string, { json: string; until: number }>();
  readonly #absenceMax: number;
  readonly #absenceTtlMs: number;
  readonly #absent = new Map<string, number>();

  constructor(handle: DatabaseHandle, options: KvStoreOptions = {}) {
    this.#db = handle.db;
    this.#memoryTtlMs = options.memoryTtlMs ?? 15_000;
    this.#memoryMax = options.memoryMaxEntries ?? 5_000;
    this.#absenceMax = options.absenceMaxEntries ?? 50_000;
    this.#absenceTtlMs = options.absenceTtlMs ?? 1_000;
  }

  #absenceKey(key: KvKey): string | null {
    return this.#absenceTtlMs > 0 && key[0] === "_fedify" && ABSENCE_PREFIXES.includes(key[1] ?? "") ? JSON.stringify(key) : null;
  }

  #unkept(key: KvKey): boolean {
    return key[0] === "_fedify" && UNKEPT_PREFIXES.includes(key[1] ?? "");
  }

  #memoryKey(key: KvKey): string | null {
    if (this.#memoryTtlMs <= 0 || key[0] !== "_fedify" || !CACHED_PREFIXES.includes(key[1] ?? "")) return null;
    return JSON.stringify(key);
  }

  #remember(key: KvKey, value: unknown, ttlMs: number | null): void {
    const k = this.#memoryKey(key);
    if (k === null) return;
    this.#memory.delete(k);
    if (this.#memory.size >= this.#memoryMax) this.#memory.delete(this.#memory.keys().next().value!);
    // Never longer than the stored entry lives.
    this.#memory.set(k, { json: encode(value), until: Date.now() + Math.min(this.#memoryTtlMs, ttlMs ?? Infinity) });
  }

  #forget(key: KvKey): void {
    const k = this.#memoryKey(key);
    if (k !== null) this.#memory.delete(k);
    const absence = this.#absenceKey(key);
    if (absence !== null) this.#absent.delete(absence);
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    if (this.#unkept(key)) return undefined;
    const k = this.#memoryKey(key);
    if (k !== null) {
      const hit = this.#memory.get(k);
      if (hit && hit.until > Date.now()) return decode<T>(JSON.parse(hit.json));
      if (hit) this.#memory.delete(k);
    }
    const absence = this.#absenceKey(key);
    if (absence !== null) {
      const until = this.#absent.get(absence);
      if (until !== undefined && until > Date.now()) return undefined;
      this.#absent.delete(absence);
    }
    const row = await this.#db
      .selectFrom("fedify_kv")
      .select(["value", "expires_at"])
      .where("key", "=", sql<string[]>`${[...key]}::text[]`)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
      .executeTakeFirst();
    if (!row) {
      if (absence !== null) {
        if (this.#absent.size >= this.#absenceMax) this.#absent.delete(this.#absent.keys().next().value!);
        this.#absent.set(absence, Date.now() + this.#absenceTtlMs);
      }
      return undefined;
    }
    const value = decode<T>(row.value);
    this.#remember(key, value, row.expires_at === null ? null : row.expires_at.getTime() - Date.now());
    return value;
  }

  async set(key: KvKey, value: unknown, options?: { ttl?: DurationLike }): Promise<void> {
    if (value === undefined) return this.delete(key);
    if (this.#unkept(key)) return;
    // Fedify re-records a peer's signature spec after every delivery: the
    // same value, written again. Skip it while this process's copy is fresh.
    const k = this.#memoryKey(key);
    const fresh = k === null ? undefined : this.#memory.get(k);
    if (!options?.ttl && fresh && fresh.until > Date.now() && fresh.json === encode(value)) return;
    const expires = expiresAt(options?.ttl);
    this.#forget(key);
    await this.#db
      .insertInto("fedify_kv")
      .values({ key: sql`${[...key]}::text[]` as never, value: encode(value), expires_at: expires })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: encode(value), expires_at: expires }))
      .execute();
    this.#remember(key, value, toMillis(options?.ttl));
  }

  async delete(key: KvKey): Promise<void> {
    if (this.#unkept(key)) return;
    this.#forget(key);
    await this.#db
      .deleteFrom("fedify_kv")
      .where("key", "=", sql<string[]>`${[...key]}::text[]`)
      .execute();
  }

  /** Compare-and-swap under a row lock; `expectedValue === undefined` means "absent". */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: { ttl?: DurationLike }): Promise<boolean> {
    const expires = expiresAt(options?.ttl);
    this.#forget(key);
    return this.#db.transaction().execute(async (trx) => {
      const keyParam = sql<string[]>`${[...key]}::text[]`;
      const row = await trx.selectFrom("fedify_kv").select(["value", "expires_at"]).where("key", "=", keyParam).forUpdate().executeTakeFirst();
      const live = row && (row.expires_at === null || row.expires_at.getTime() > Date.now());
      const current = live ? decode(row!.value) : undefined;
      if (canonical(current) !== canonical(expectedValue)) return false;
      if (expectedValue === undefined) {
        // Absent (or expired): insert; a concurrent insert makes this fail.
        const inserted = await trx
          .insertInto("fedify_kv")
          .values({ key: keyParam as never, value: encode(newValue), expires_at: expires })
          .onConflict((oc) =>
            oc
              .column("key")
              .doUpdateSet({ value: encode(newValue), expires_at: expires })
              .where("fedify_kv.expires_at", "<=", sql<Date>`now()`),
          )
          .returning("expires_at")
          .executeTakeFirst();
        return inserted !== undefined;
      }
      if (newValue === undefined) {
        // Swapping to "absent" removes the entry, so a later cas from absent can succeed
        // (Fedify's circuit breaker clears a recovered host's state this way).
        await trx.deleteFrom("fedify_kv").where("key", "=", keyParam).execute();
        return true;
      }
      await trx
        .updateTable("fedify_kv")
        .set({ value: encode(newValue), expires_at: expires })
        .where("key", "=", keyParam)
        .execute();
      return true;
    });
  }

  async *list(prefix?: KvKey): AsyncIterable<{ key: KvKey; value: unknown }> {
    let query = this.#db
      .selectFrom("fedify_kv")
      .select(["key", "value"])
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]));
    if (prefix && prefix.length > 0) {
      query = query.where(sql<string[]>`key[1:${sql.lit(prefix.length)}]`, "=", sql<string[]>`${[...prefix]}::text[]`);
    }
    const rows = await query.orderBy("key").execute();
    for (const row of rows) yield { key: row.key as unknown as KvKey, value: decode(row.value) };
  }

  /**
   * Reads `keys` in one statement ahead of their use: a batch of deliveries
   * asks each of its hosts' circuit-breaker state and signature spec, one
   * statement per key otherwise (ADR 0110). Read-mostly values found are
   * served from memory as a `get` would; keys of ABSENCE_PREFIXES not found
   * are remembered absent for `absentForMs` (a delivery reads its host's
   * breaker before sending and again after the answer). Other keys are only
   * read, not kept.
   */
  async prefetch(keys: readonly KvKey[], options: { absentForMs: number }): Promise<void> {
    const wanted = keys.filter((key) => this.#memoryKey(key) !== null || this.#absenceKey(key) !== null);
    for (let i = 0; i < wanted.length; i += 500) {
      const chunk = wanted.slice(i, i + 500);
      const rows = await this.#db
        .selectFrom("fedify_kv")
        .select(["key", "value", "expires_at"])
        .where(
          "key",
          "in",
          chunk.map((key) => sql<string[]>`${[...key]}::text[]`),
        )
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
        .execute();
      const found = new Set(rows.map((row) => JSON.stringify(row.key)));
      for (const row of rows)
        this.#remember(row.key as unknown as KvKey, decode(row.value), row.expires_at === null ? null : row.expires_at.getTime() - Date.now());
      for (const key of chunk) {
        const absence = this.#absenceKey(key);
        if (absence === null || found.has(absence)) continue;
        if (this.#absent.size >= this.#absenceMax) this.#absent.delete(this.#absent.keys().next().value!);
        this.#absent.delete(absence);
        this.#absent.set(absence, Date.now() + options.absentForMs);
      }
    }
  }

  /** Removes expired entries; called periodically. */
  async purgeExpired(): Promise<number> {
    const result = await this.#db
      .deleteFrom("fedify_kv")
      .where("expires_at", "<=", sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** JSON with object keys sorted: jsonb stores keys in its own order, so plain stringify would not compare. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
