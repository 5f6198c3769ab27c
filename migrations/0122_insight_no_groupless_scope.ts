// The insight rollups stop keeping a scope nobody reads (docs/performance.md,
// "Session 9 (inbox)"). A fact outside any group (a public post, a like on
// one) was counted under group_id '' as well as under the instance ('*'), in
// insight_daily, insight_active, insight_active_weeks and insight_last_active
// (and so insight_last_active_days); every read asks for a group's id or '*',
// so those rows only cost each incoming post ~0.35 ms of CPU. The facts
// themselves stay under '' (segments read every fact, whatever its group).
//
// The triggers (0113's functions) and the rebuild (0102) change together, so
// test/db/insight-rebuild.int.test.ts still finds the same rows both ways: the
// rebuild is 0102's, kept as ecotone_insight_backfill_0102, followed by one step
// that deletes the rows of that scope (restating its 160 lines for a filter in
// four statements would be a second copy to keep in step).
import { sql, type Kysely } from "kysely";

/** The rollups that were kept per scope, '' included; insight_last_active_days follows insight_last_active. */
const SCOPED = ["insight_daily", "insight_active", "insight_active_weeks", "insight_last_active", "insight_last_active_days"];

export async function up(db: Kysely<any>): Promise<void> {
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
      select * from (values (g, d, m, org, aud, 1), (g, d, m, '', '', 1), ('*', d, m, org, aud, 1), ('*', d, m, '', '', 1)) v
      where v.column1 <> ''
      on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count;
      -- Active members are people: a group's own answers count as replies, not as a member.
      if m = 'left' or kind in ('Group', 'Application', 'Service') then return; end if;
      w := date_trunc('week', d)::date;
      for scope in
        insert into insight_active (group_id, day, actor_id, organization, audience)
        select * from (values (g, d, actor, org, aud), ('*', d, actor, org, aud)) v where v.column1 <> ''
        on conflict do nothing returning group_id
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
        select * from (values (f.group_id, f.day, f.metric, f.organization, f.audience, -1), (f.group_id, f.day, f.metric, '', '', -1),
          ('*', f.day, f.metric, f.organization, f.audience, -1), ('*', f.day, f.metric, '', '', -1)) v
        where v.column1 <> ''
        on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count;
      end if;
    end $$`.execute(db);

  await sql`alter function ecotone_insight_backfill() rename to ecotone_insight_backfill_0102`.execute(db);
  const deletes = SCOPED.map((t) => `delete from ${t} where group_id = '';`).join("\n      ");
  await sql
    .raw(
      `create function ecotone_insight_backfill() returns table (step text, ms double precision) language plpgsql as $$
    declare t0 timestamptz;
    begin
      return query select * from ecotone_insight_backfill_0102();
      t0 := clock_timestamp();
      ${deletes}
      step := 'dropped the rows outside any group (facts kept)'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next;
    end $$`,
    )
    .execute(db);

  for (const table of SCOPED) await sql`delete from ${sql.table(table)} where group_id = ''`.execute(db);
}
