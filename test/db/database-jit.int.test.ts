// No query of Ecotone's is JIT-compiled (ADR 0114): on PostgreSQL every pooled
// connection has jit off (a 2 ms timeline read once spent 160 ms compiling);
// PGlite has no JIT at all.
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openTestDatabase();
});

afterAll(async () => {
  await handle?.close();
});

it("runs every connection without JIT compilation", async () => {
  // Several at once, so the pool opens several connections.
  const answers = await Promise.all(
    Array.from({ length: 4 }, () =>
      sql<{ jit: string; available: boolean }>`select current_setting('jit') as jit, pg_jit_available() as available, pg_sleep(0.05)`.execute(handle.db),
    ),
  );
  for (const { rows } of answers) {
    if (handle.kind === "postgres") expect(rows[0]!.jit).toBe("off");
    else expect(rows[0]!.available).toBe(false);
  }
});
