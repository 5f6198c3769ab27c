// One interface over both databases: the embedded PGlite (default) and a
// PostgreSQL server (DATABASE_URL). Everything above this file sees a
// Kysely<Database> and the same SQL dialect.
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { makeDataDirPrivate } from "./data-dir.ts";
import { PGliteDialect } from "./pglite.dialect.ts";
import type { Database } from "./schema.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** Wakes listeners in every process sharing the database (LISTEN/NOTIFY). */
  notify(channel: string, payload?: string): Promise<void>;
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  /** PGlite data directory; "memory://" keeps the database in memory (tests). */
  dataDir: string;
  poolSize?: number;
  /**
   * PGlite only: how a new database starts. Tests pass a migrated data
   * directory and the compiled WebAssembly module, so each test database skips
   * initdb, the migrations and the compilation (docs/performance.md, Session 7 (suite)).
   */
  pgliteStart?: Pick<PGliteOptions, "loadDataDir" | "pgliteWasmModule" | "fsBundle">;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Counts and serial ids fit in a JS number; returning them as numbers on both
// databases keeps one code path.
pg.types.setTypeParser(INT8_OID, (value: string) => Number(value));

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openPGlite(options.dataDir, options.pgliteStart);
}

async function openPGlite(dataDir: string, start: DatabaseOptions["pgliteStart"] = {}): Promise<DatabaseHandle> {
  let location: string | undefined;
  if (!dataDir.startsWith("memory://")) {
    location = join(dataDir, "pglite");
    makeDataDirPrivate(dataDir, ["pglite"]);
  }
  const pglite = await PGlite.create(location, {
    ...start,
    parsers: { [INT8_OID]: (value: string) => Number(value), [NUMERIC_OID]: (value: string) => Number(value) },
  });
  // PGlite unpacks a fresh database with mode 0666 whatever the umask: tighten it again.
  if (location) makeDataDirPrivate(dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  // PGlite admits one process, so notifications never leave this process.
  const events = new EventEmitter();
  events.setMaxListeners(0);
  return {
    db,
    kind: "pglite",
    async notify(channel, payload = "") {
      events.emit(channel, payload);
    },
    async listen(channel, onNotify) {
      events.on(channel, onNotify);
      return async () => void events.off(channel, onNotify);
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // No JIT compilation: every query here is a short OLTP read or write, and a
  // planner estimate over jit_above_cost (a lateral timeline join at 1M posts)
  // spent 160 ms compiling a 2 ms query (ADR 0114). Sent first on each new
  // connection, before the pool hands it out.
  pool.on("connect", (client) => {
    client.query("set jit = off").catch(() => {});
  });
  // A dropped idle connection (server restart) must not crash the process;
  // the pool replaces it on the next query.
  pool.on("error", () => {});
  // A connection that is checked out but between queries (inside a
  // transaction, say) when the server goes away emits "error" on the client
  // itself, where no pool listener is; unheard, that would end the process.
  // The query in progress fails on its own; the pool discards the client.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);

  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  async function ensureListener(): Promise<pg.Client> {
    if (listener) return listener;
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on("notification", (message) => {
      for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? "");
    });
    client.on("error", () => {
      // The server went away: forget this client; the next listen() reconnects.
      if (listener === client) listener = undefined;
    });
    await client.connect();
    listener = client;
    for (const channel of handlers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    return client;
  }

  return {
    db,
    kind: "postgres",
    async notify(channel, payload = "") {
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
    },
    async listen(channel, onNotify) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        const client = await ensureListener();
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      }
      set.add(onNotify);
      return async () => {
        set.delete(onNotify);
      };
    },
    async close() {
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await db.destroy();
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Connection-level failures: the database server is down, restarting or unreachable. */
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  return /Connection terminated|connection is closed|Client has encountered a connection error/i.test(String((error as Error)?.message ?? ""));
}
