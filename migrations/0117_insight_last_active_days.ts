// Issue 15, speed: people active since a day, per group × organization ×
// audience, counted by the day each person was last active. A period ending
// today counted insight_last_active's rows, one per person (~50k for the
// instance at 1M posts); summing these counts reads days × organizations rows.
// Kept by statement triggers on insight_last_active itself (transition tables:
// one grouped write per statement, so the rebuild's bulk insert is one write,
// not one per person), so it stays exactly the grouped count of that table
// whoever writes it: the insight triggers, a retry, the rebuild (ADR 0128).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table insight_last_active_days (
    group_id text not null,
    last_day date not null,
    organization text not null,
    audience text not null,
    people bigint not null,
    primary key (group_id, last_day, organization, audience)
  )`.execute(db);
  // One function per event: a trigger function may name only the transition tables its trigger declares.
  for (const [event, rows] of [
    ["insert", `select group_id, last_day, organization, audience, 1 as n from new_rows`],
    [
      "update",
      `select group_id, last_day, organization, audience, 1 as n from new_rows
                union all select group_id, last_day, organization, audience, -1 from old_rows`,
    ],
    ["delete", `select group_id, last_day, organization, audience, -1 as n from old_rows`],
  ] as const)
    await sql
      .raw(
        `create function ecotone_insight_last_active_${event}() returns trigger language plpgsql as $$
        begin
          insert into insight_last_active_days as d (group_id, last_day, organization, audience, people)
            select x.group_id, x.last_day, x.organization, x.audience, sum(x.n) from (${rows}) x
            group by 1, 2, 3, 4 having sum(x.n) <> 0
          on conflict (group_id, last_day, organization, audience) do update set people = d.people + excluded.people;
          return null;
        end $$`,
      )
      .execute(db);
  await sql`create trigger insight_last_active_days_insert after insert on insight_last_active
    referencing new table as new_rows for each statement execute function ecotone_insight_last_active_insert()`.execute(db);
  await sql`create trigger insight_last_active_days_update after update on insight_last_active
    referencing old table as old_rows new table as new_rows for each statement execute function ecotone_insight_last_active_update()`.execute(db);
  await sql`create trigger insight_last_active_days_delete after delete on insight_last_active
    referencing old table as old_rows for each statement execute function ecotone_insight_last_active_delete()`.execute(db);
  // The rebuild empties insight_last_active with truncate, which no row or transition trigger sees.
  await sql`create function ecotone_insight_last_active_truncate() returns trigger language plpgsql as $$
    begin truncate insight_last_active_days; return null; end $$`.execute(db);
  await sql`create trigger insight_last_active_days_truncate after truncate on insight_last_active
    for each statement execute function ecotone_insight_last_active_truncate()`.execute(db);
  // The rows there are now.
  await sql`insert into insight_last_active_days (group_id, last_day, organization, audience, people)
    select group_id, last_day, organization, audience, count(*) from insight_last_active group by 1, 2, 3, 4`.execute(db);
}
