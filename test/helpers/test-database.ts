// A fresh, migrated database per caller: in-memory PGlite by default, or a
// unique schema on the PostgreSQL server named by DATABASE_URL (so test files
// can run in parallel against one server).
//
// A PGlite database is a copy of the run's migrated template when vitest's
// globalSetup made one (pglite-template.ts), which is what migrating a fresh
// one would give (test/db/pglite-template.int.test.ts), minus initdb and the
// migrations.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { templateStart } from "./pglite-template.ts";

export async function openTestDatabase(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const start = await templateStart();
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: "memory://", ...(start ? { pgliteStart: start } : {}) });
    if (!start) await migrateToLatest(handle.db);
    return handle;
  }
  const schema = `test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: withSearchPath(url, schema), dataDir: "memory://", poolSize: 5 });
  await migrateToLatest(handle.db);
  // The schema is left in place on close: dropping it while another test
  // file's migrator introspects the catalog makes that introspection fail
  // ("schema does not exist"). CI's PostgreSQL server is thrown away anyway.
  return handle;
}

/** A second connection pool to the same schema, for multi-process tests. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.href;
}
