// The migrated PGlite data directory every test database starts from.
//
// A fresh in-memory PGlite runs initdb (a second WebAssembly program) and then
// all the migrations: most of a test instance's start-up. Instead the vitest
// globalSetup (database-template.setup.ts) migrates one database per run and
// writes its data directory to a file; each test process reads that file once,
// compiles PGlite's WebAssembly once, and every database it opens is a private
// copy of the template (docs/performance.md, Session 7 (suite); ADR 0121).
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import type { DatabaseOptions } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { PGliteDialect } from "../../src/db/pglite.dialect.ts";

/** Where the globalSetup tells test processes (forked after it ran) the template is. */
export const TEMPLATE_ENV = "ECOTONE_TEST_PGLITE_TEMPLATE";

type PGliteStart = NonNullable<DatabaseOptions["pgliteStart"]>;

/** Migrates a fresh in-memory database and writes its data directory (an uncompressed tarball) to `file`. */
export async function writeMigratedTemplate(file: string): Promise<void> {
  const pglite = await PGlite.create();
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  try {
    await migrateToLatest(db);
    // Uncompressed: each test database would otherwise pay to gunzip it.
    const dump = await pglite.dumpDataDir("none");
    await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
  } finally {
    await db.destroy();
  }
}

let cached: Promise<PGliteStart | undefined> | undefined;

/**
 * How this process's test databases start: the template and PGlite's
 * compiled module and file bundle, read once. Undefined when no globalSetup
 * made a template (a script outside vitest): the caller migrates instead.
 */
export function templateStart(): Promise<PGliteStart | undefined> {
  cached ??= loadStart();
  return cached;
}

async function loadStart(): Promise<PGliteStart | undefined> {
  const file = process.env[TEMPLATE_ENV];
  if (!file) return undefined;
  // PGlite's own files sit beside its entry point; resolving the package keeps
  // this independent of where node_modules is.
  const dist = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  const [template, wasm, bundle] = await Promise.all([readFile(file), readFile(join(dist, "pglite.wasm")), readFile(join(dist, "pglite.data"))]);
  return {
    loadDataDir: new Blob([new Uint8Array(template)]),
    pgliteWasmModule: await WebAssembly.compile(new Uint8Array(wasm)),
    fsBundle: new Blob([new Uint8Array(bundle)]),
  };
}
