// Bulk seeding without the insight triggers, then one rebuild.
//
// The insight rollups (migration 0080) are kept by row triggers on posts,
// likes, ideas and follows: right for a running instance, where rows arrive
// one by one, but a benchmark seeding a million posts would pay a trigger
// call and a rollup upsert per row (and measure that, not the timelines).
// So the seed runs with those triggers off and the rollups are rebuilt once
// after, with the same function `ecotone insights backfill` runs: the
// figures come out as if every row had arrived on its own.
import { sql, type Kysely } from "kysely";
import { rebuildInsights } from "../../src/db/queries/insight.queries.ts";
import type { Database } from "../../src/db/schema.ts";

const INSIGHT_TRIGGERS = [
  ["posts", "posts_insights"],
  ["likes", "likes_insights"],
  ["ideas", "ideas_insights"],
  ["follows", "follows_insights"],
  // Cross-company contacts (migration 0084).
  ["posts", "posts_insight_pairs"],
  ["post_mentions", "post_mentions_insight_pairs"],
  ["task_assignees", "task_assignees_insight_pairs"],
] as const;

export async function withoutInsightTriggers<T>(db: Kysely<Database>, seed: () => Promise<T>): Promise<T> {
  const toggle = async (on: boolean) => {
    for (const [table, trigger] of INSIGHT_TRIGGERS)
      await sql`alter table ${sql.table(table)} ${sql.raw(on ? "enable" : "disable")} trigger ${sql.id(trigger)}`.execute(db);
  };
  await toggle(false);
  let result: T;
  try {
    result = await seed();
  } finally {
    await toggle(true);
  }
  const t0 = performance.now();
  await rebuildInsights(db);
  process.stderr.write(`  seed: insight rollups rebuilt — ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return result;
}
