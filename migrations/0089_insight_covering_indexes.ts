// Issue 15, speed: the instance's split series and its active people read many
// rollup rows (at 1M posts, ~100k detail rows of insight_daily for 90 days and
// ~50k people in insight_last_active). These indexes carry every column those
// reads use, so PostgreSQL answers them from the index alone (docs/insights.md,
// "Speed"), without visiting the table's pages.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index insight_daily_detail_idx on insight_daily (group_id, day, metric) include (organization, audience, count) where organization <> ''`.execute(
    db,
  );
  await sql`create index insight_last_active_cover_idx on insight_last_active (group_id, last_day) include (organization, audience)`.execute(db);
}
