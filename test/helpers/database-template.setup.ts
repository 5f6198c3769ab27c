// vitest globalSetup: once per run, before any test process starts, migrate
// one PGlite database and leave its data directory in a temporary file for
// test-database.ts (see pglite-template.ts). On PostgreSQL (DATABASE_URL set)
// there is nothing to prepare: each test schema is migrated on the server.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEMPLATE_ENV, writeMigratedTemplate } from "./pglite-template.ts";

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const dir = await mkdtemp(join(tmpdir(), "ecotone-test-template-"));
  const file = join(dir, "migrated.tar");
  await writeMigratedTemplate(file);
  // Test processes are forked after this, with this environment.
  process.env[TEMPLATE_ENV] = file;
  return async () => {
    delete process.env[TEMPLATE_ENV];
    await rm(dir, { recursive: true, force: true });
  };
}
