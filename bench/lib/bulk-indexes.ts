// Bulk loads for the benchmarks' seeds (timelines, insights): a table's
// secondary indexes are dropped while it is loaded and built once after.
import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../../src/db/schema.ts";

/**
 * Runs a bulk load with the tables' secondary indexes dropped, then builds
 * them again. A million rows inserted one index entry at a time into eight
 * indexes (a full-text GIN one among them) is what made seeding take many
 * minutes; building an index once over the loaded table is a sort. Indexes
 * that back a constraint (primary keys, unique ones) stay: the seed relies on
 * them (`on conflict do nothing`).
 */
export async function withIndexesBuiltAfter(db: Kysely<Database>, tables: string[], load: () => Promise<void>): Promise<void> {
  const { rows } = await db.executeQuery<{ name: string; definition: string }>(
    CompiledQuery.raw(
      `select i.indexname as name, i.indexdef as definition from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = any($1)
         and i.indexdef not like 'CREATE UNIQUE%'
         and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = current_schema()::regnamespace)`,
      [tables],
    ),
  );
  for (const index of rows) await db.executeQuery(CompiledQuery.raw(`drop index "${index.name}"`));
  try {
    await load();
  } finally {
    const t0 = performance.now();
    await db.executeQuery(CompiledQuery.raw("set maintenance_work_mem = '256MB'"));
    for (const index of rows) await db.executeQuery(CompiledQuery.raw(index.definition));
    process.stderr.write(`  seed: ${rows.length} indexes built again — ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}
