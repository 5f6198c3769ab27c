// Applies the numbered, forward-only migrations in migrations/ (at start and
// by `ecotone migrate`). Several processes starting at once are safe: kysely
// takes a lock on its migration table.
import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

class DirectoryMigrationProvider implements MigrationProvider {
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => /^\d{4}_[\w-]+\.ts$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(join(this.dir, file)).href)) as Migration;
      migrations[file.replace(/\.ts$/, "")] = module;
    }
    return migrations;
  }
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<any>, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  // Keep kysely's bookkeeping tables in the schema we run in (search_path),
  // so several schemas on one server (tests, tenants) do not see each other's.
  const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? "public";
  // Areas of the code own ranges of migration numbers (0030s Mastodon, 0040s
  // organizations…), so a database that already ran 0062 must still accept a
  // new 0036: kysely then runs the missing ones in name order.
  const migrator = new Migrator({
    db,
    provider: new DirectoryMigrationProvider(dir),
    migrationTableSchema: schema,
    allowUnorderedMigrations: true,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Migration ${failed} failed: ${String((result.error as Error).message ?? result.error)}`, {
      cause: result.error,
    });
  }
  return { applied: (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
