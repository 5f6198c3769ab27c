// Test databases start as copies of one migrated PGlite data directory
// (test/helpers/pglite-template.ts). That shortcut is only sound if a copy is
// exactly what migrating a fresh database gives, and if copies share nothing.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { TEMPLATE_ENV, templateStart, writeMigratedTemplate } from "../helpers/pglite-template.ts";

type Start = NonNullable<Awaited<ReturnType<typeof templateStart>>>;

const opened: DatabaseHandle[] = [];
let dir: string | undefined;
let start: Start;

async function open(from: Start | undefined): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: "memory://", ...(from ? { pgliteStart: from } : {}) });
  opened.push(handle);
  return handle;
}

beforeAll(async () => {
  // The PostgreSQL pass runs this file too, without a template for the run: make one here.
  const runs = await templateStart();
  if (runs) {
    start = runs;
  } else {
    dir = await mkdtemp(join(tmpdir(), "ecotone-template-test-"));
    const file = join(dir, "migrated.tar");
    await writeMigratedTemplate(file);
    start = { loadDataDir: new Blob([new Uint8Array(await readFile(file))]) };
  }
});

afterAll(async () => {
  for (const handle of opened) await handle.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Everything migrations create, in a form two databases can be compared by. */
async function catalog(db: Kysely<any>): Promise<Record<string, unknown[]>> {
  const rows = async (query: ReturnType<typeof sql>) => (await query.execute(db)).rows;
  const ns = sql`(select oid from pg_namespace where nspname = current_schema())`;
  const tables = (await rows(sql`select tablename from pg_tables where schemaname = current_schema() order by 1`)) as Array<{ tablename: string }>;
  const counts: unknown[] = [];
  for (const { tablename } of tables) {
    if (tablename.startsWith("kysely_migration")) continue;
    counts.push({ tablename, rows: (await rows(sql`select count(*)::int as n from ${sql.table(tablename)}`))[0] });
  }
  return {
    migrations: await rows(sql`select name from kysely_migration order by name`),
    columns:
      await rows(sql`select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, is_identity, is_generated, generation_expression
      from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position`),
    constraints: await rows(
      sql`select conrelid::regclass::text as on_table, conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = ${ns} order by 1, 2`,
    ),
    indexes: await rows(sql`select tablename, indexname, indexdef from pg_indexes where schemaname = current_schema() order by 1, 2`),
    triggers: await rows(
      sql`select tgrelid::regclass::text as on_table, tgname, pg_get_triggerdef(oid) as def from pg_trigger where not tgisinternal order by 1, 2`,
    ),
    functions: await rows(
      sql`select proname, pg_get_function_identity_arguments(oid) as args, md5(prosrc) as body from pg_proc where pronamespace = ${ns} order by 1, 2`,
    ),
    views: await rows(sql`select viewname, definition from pg_views where schemaname = current_schema() order by 1`),
    sequences: await rows(sql`select sequencename, last_value, increment_by from pg_sequences where schemaname = current_schema() order by 1`),
    types: await rows(
      sql`select t.typname, e.enumlabel from pg_type t left join pg_enum e on e.enumtypid = t.oid where t.typnamespace = ${ns} and t.typtype in ('e', 'd', 'c') order by 1, 2`,
    ),
    counts,
  };
}

describe("the migrated PGlite template", () => {
  it("is made for every PGlite run of the suite by vitest's globalSetup", () => {
    expect(Boolean(process.env[TEMPLATE_ENV])).toBe(!process.env.DATABASE_URL);
  });

  it("gives the same tables, columns, constraints, indexes, triggers, functions and migration rows as migrating a fresh database", async () => {
    const fresh = await open(undefined);
    expect((await migrateToLatest(fresh.db)).applied.length).toBeGreaterThan(50);
    const copy = await open(start);
    const expected = await catalog(fresh.db);
    expect((expected.columns ?? []).length).toBeGreaterThan(100);
    expect(await catalog(copy.db)).toEqual(expected);
    // And the migrator finds nothing left to do on a copy.
    expect((await migrateToLatest(copy.db)).applied).toEqual([]);
  });

  it("gives each database its own copy: what one writes, another never sees", async () => {
    const first = await open(start);
    const second = await open(start);
    await sql`insert into fedify_kv (key, value) values (array['template-test'], ${JSON.stringify({ by: "first" })}::jsonb)`.execute(first.db);
    const read = async (handle: DatabaseHandle) =>
      (await sql<{ n: number }>`select count(*)::int as n from fedify_kv where key = array['template-test']`.execute(handle.db)).rows[0]?.n;
    expect(await read(first)).toBe(1);
    expect(await read(second)).toBe(0);
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const third = await open(start);
    expect(await read(third)).toBe(0);
    expect(await read(second)).toBe(0);
  });
});
