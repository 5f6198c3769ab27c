// A ServiceContext over a fresh test database, for service-level tests.
import type { DatabaseHandle } from "../../src/db/database.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { openTestDatabase } from "./test-database.ts";

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export async function openTestContext(origin = "http://localhost:3999"): Promise<{ ctx: ServiceContext; handle: DatabaseHandle }> {
  const handle = await openTestDatabase();
  return {
    handle,
    ctx: { db: handle.db, database: handle, origin: new URL(origin), instanceName: "Test", logger: silent },
  };
}
