// A request's statements are counted on the instance's own handle while its
// queue workers and sweeps keep sending theirs: with `onlyWithin`, only the
// measured work's statements are recorded (CI once counted 12 for a timeline
// of 7, a background job's statements among them).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

describe("statement capture", () => {
  it("records what the measured work awaits, however deep, and not the background's statements beside it", async () => {
    const { plugin, statements, within } = captureStatements(handle.db, { onlyWithin: true });
    const db = handle.db.withPlugin(plugin);
    const background = (async () => {
      for (let i = 0; i < 5; i++) await sql`select ${i}::int as background`.execute(db);
    })();
    await within(async () => {
      await sql`select 1 as measured`.execute(db);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.all([sql`select 2 as measured`.execute(db), sql`select 3 as measured`.execute(db)]);
    });
    await background;
    expect(statements.map((q) => q.sql).every((text) => text.includes("measured"))).toBe(true);
    expect(statements).toHaveLength(3);
  });

  it("records every statement without it (control)", async () => {
    const { plugin, statements } = captureStatements(handle.db);
    const db = handle.db.withPlugin(plugin);
    await Promise.all([sql`select 1 as one`.execute(db), sql`select 2 as two`.execute(db)]);
    expect(statements).toHaveLength(2);
  });
});
