// The insight triggers (0080) with the same results in fewer statements, so an
// incoming post costs less CPU (docs/performance.md, "Session 8 (inbox)").
//
// Every post, like, idea and membership change calls `ecotone_insight_record`,
// which counted the fact with two calls of `ecotone_insight_bump` (the group's
// rows, then the instance's) and marked the person active with two calls of
// `ecotone_insight_active`. `ecotone_insight_bump` was a SQL-language
// function: PostgreSQL 17 (PGlite's) parses and plans the body of such a
// function on every call, unlike a PL/pgSQL one, whose plans are kept for the
// session. Now:
//   - the four day counts (the group's and the instance's, per organization and
//     audience and in all) are one upsert;
//   - both active-person rows are one insert, and only the rows that are new
//     that day go on to the weekly and last-active rollups, as before;
//   - `ecotone_insight_bump`, still used for the counts of those new rows, is PL/pgSQL;
//   - `ecotone_insight_forget` takes a fact back in one upsert too.
// Every rollup holds exactly what it held before: test/db/insight-rebuild.int.test.ts
// compares what the triggers keep with the rebuild (0102), row by row.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function ecotone_insight_bump(grp text, d date, m text, org text, aud text, delta bigint) returns void language plpgsql as $$
    begin
      insert into insight_daily (group_id, day, metric, organization, audience, count) values (grp, d, m, org, aud, delta), (grp, d, m, '', '', delta)
      on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_record(k text, grp text, at timestamptz, actor text, m text) returns void language plpgsql as $$
    declare org text; kind text; aud text; d date; w date; g text := coalesce(grp, ''); n int; scope text;
    begin
      select a.domain, a.type into org, kind from actors a where a.id = actor;
      if org is null then return; end if;
      aud := ecotone_insight_audience(actor, org);
      d := (coalesce(at, now()) at time zone 'UTC')::date;
      insert into insight_facts (key, group_id, day, organization, audience, metric, actor_id)
      values (k, g, d, org, aud, m, actor) on conflict do nothing;
      get diagnostics n = row_count;
      if n = 0 then return; end if;
      insert into insight_daily (group_id, day, metric, organization, audience, count)
      values (g, d, m, org, aud, 1), (g, d, m, '', '', 1), ('*', d, m, org, aud, 1), ('*', d, m, '', '', 1)
      on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count;
      -- Active members are people: a group's own answers count as replies, not as a member.
      if m = 'left' or kind in ('Group', 'Application', 'Service') then return; end if;
      w := date_trunc('week', d)::date;
      for scope in
        insert into insight_active (group_id, day, actor_id, organization, audience)
        values (g, d, actor, org, aud), ('*', d, actor, org, aud) on conflict do nothing returning group_id
      loop
        perform ecotone_insight_bump(scope, d, 'active', org, aud, 1);
        insert into insight_active_weeks (group_id, week, actor_id, organization, audience)
        values (scope, w, actor, org, aud) on conflict do nothing;
        get diagnostics n = row_count;
        if n > 0 then perform ecotone_insight_bump(scope, w, 'active_week', org, aud, 1); end if;
        insert into insight_last_active (group_id, actor_id, organization, audience, last_day) values (scope, actor, org, aud, d)
        on conflict (group_id, actor_id) do update set last_day = greatest(insight_last_active.last_day, excluded.last_day);
      end loop;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_forget(k text) returns void language plpgsql as $$
    declare f insight_facts%rowtype;
    begin
      delete from insight_facts where key = k returning * into f;
      if found then
        insert into insight_daily (group_id, day, metric, organization, audience, count)
        values (f.group_id, f.day, f.metric, f.organization, f.audience, -1), (f.group_id, f.day, f.metric, '', '', -1),
          ('*', f.day, f.metric, f.organization, f.audience, -1), ('*', f.day, f.metric, '', '', -1)
        on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count;
      end if;
    end $$`.execute(db);
}
