// Each area of the code owns a range of migration numbers, so a database
// that already ran a later number must still take a migration that lands
// with a lower one (merged later), instead of refusing to start.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";

let handle: DatabaseHandle;
let dir: string;

const migration = (table: string) => `
export async function up(db) { await db.schema.createTable(${JSON.stringify(table)}).addColumn("id", "integer").execute(); }
`;

beforeAll(async () => {
  handle = await openDatabase({ databaseUrl: undefined, dataDir: "memory://" });
  dir = await mkdtemp(join(tmpdir(), "ecotone-migrations-"));
});

afterAll(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("migrateToLatest", () => {
  it("applies a migration numbered below one the database already ran", async () => {
    await writeFile(join(dir, "9001_first.ts"), migration("first_table"));
    await writeFile(join(dir, "9060_later_area.ts"), migration("later_table"));
    expect((await migrateToLatest(handle.db, dir)).applied).toEqual(["9001_first", "9060_later_area"]);

    await writeFile(join(dir, "9030_merged_afterwards.ts"), migration("merged_table"));
    expect((await migrateToLatest(handle.db, dir)).applied).toEqual(["9030_merged_afterwards"]);
    const tables = await handle.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["first_table", "later_table", "merged_table"]));

    expect((await migrateToLatest(handle.db, dir)).applied).toEqual([]);
  });
});
