// Migration 0122 (ADR 0123): every PL/pgSQL function of ours keeps its plans
// between calls (plan_cache_mode = auto), although PGlite's connection plans
// each statement it sends afresh (ADR 0119). A function replaced by a later
// migration without calling ecotone_keep_function_plans() again fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  await handle.close();
});

describe("our PL/pgSQL functions", () => {
  it("all keep their plans between calls, the insight triggers among them", async () => {
    const r = await sql<{ name: string; config: string[] | null }>`
      select p.proname as name, p.proconfig as config from pg_proc p join pg_language l on l.oid = p.prolang
      where l.lanname = 'plpgsql' and p.proname like 'ecotone\\_%' and p.pronamespace = current_schema()::regnamespace`.execute(handle.db);
    const names = r.rows.map((row) => row.name);
    expect(names).toContain("ecotone_insight_record");
    expect(r.rows.filter((row) => !(row.config ?? []).includes("plan_cache_mode=auto")).map((row) => row.name)).toEqual([]);
  });
});
