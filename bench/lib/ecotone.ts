// An Ecotone instance for a benchmark: the same in-process start the tests
// use (PGlite in memory, or a fresh schema on DATABASE_URL's server).
import { startInstance, type TestInstance } from "../../test/helpers/instances.ts";

export type BenchInstance = TestInstance;

export async function startEcotone(): Promise<BenchInstance> {
  // Deliveries retry fast in a benchmark, as in the tests.
  return startInstance({ retryInitialDelayMs: 1_000, fetchTimeoutMs: 30_000, ...(process.env.BENCH_NO_WORKERS ? { runQueueWorkers: false } : {}) });
}

export async function countRows(instance: BenchInstance, table: "posts" | "likes" | "fedify_queue"): Promise<number> {
  const row = await instance.app.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function queuedMessages(instance: BenchInstance): Promise<number> {
  return countRows(instance, "fedify_queue");
}
