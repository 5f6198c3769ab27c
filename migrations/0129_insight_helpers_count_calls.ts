// The insight helpers count their own calls when a test asks them to, so
// test/db/insight-record-statements.int.test.ts can hold the triggers to a
// number of helper calls on any server. It read pg_stat_xact_user_functions,
// which only fills under `track_functions`, a superuser setting, and so skipped
// itself wherever the test user was not superuser.
//
// Under the custom setting `ecotone.count_calls = 'on'` (any user may set it,
// `set local` in the test's transaction), each helper adds one to
// `ecotone.calls.<its name>`, local to the transaction too. Otherwise the
// check costs one current_setting() per call and writes nothing.
//
// The bodies are those of 0113 (ecotone_insight_record, ecotone_insight_bump)
// and 0080 (ecotone_insight_active, which nothing calls since 0113: counting
// it keeps the test failing if a trigger calls it again), with the count first.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function ecotone_count_call(fn text) returns void language plpgsql as $$
    begin
      perform set_config('ecotone.calls.' || fn, (coalesce(nullif(current_setting('ecotone.calls.' || fn, true), ''), '0')::int + 1)::text, true);
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_bump(grp text, d date, m text, org text, aud text, delta bigint) returns void language plpgsql as $$
    begin
      if current_setting('ecotone.count_calls', true) = 'on' then perform ecotone_count_call('ecotone_insight_bump'); end if;
      insert into insight_daily (group_id, day, metric, organization, audience, count) values (grp, d, m, org, aud, delta), (grp, d, m, '', '', delta)
      on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_active(grp text, d date, actor text, org text, aud text) returns void language plpgsql as $$
    declare n int;
    begin
      if current_setting('ecotone.count_calls', true) = 'on' then perform ecotone_count_call('ecotone_insight_active'); end if;
      insert into insight_active (group_id, day, actor_id, organization, audience) values (grp, d, actor, org, aud) on conflict do nothing;
      get diagnostics n = row_count;
      if n = 0 then return; end if;
      perform ecotone_insight_bump(grp, d, 'active', org, aud, 1);
      insert into insight_active_weeks (group_id, week, actor_id, organization, audience)
      values (grp, date_trunc('week', d)::date, actor, org, aud) on conflict do nothing;
      get diagnostics n = row_count;
      if n > 0 then perform ecotone_insight_bump(grp, date_trunc('week', d)::date, 'active_week', org, aud, 1); end if;
      insert into insight_last_active (group_id, actor_id, organization, audience, last_day) values (grp, actor, org, aud, d)
      on conflict (group_id, actor_id) do update set last_day = greatest(insight_last_active.last_day, excluded.last_day);
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_record(k text, grp text, at timestamptz, actor text, m text) returns void language plpgsql as $$
    declare org text; kind text; aud text; d date; w date; g text := coalesce(grp, ''); n int; scope text;
    begin
      if current_setting('ecotone.count_calls', true) = 'on' then perform ecotone_count_call('ecotone_insight_record'); end if;
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
  // `create or replace function` dropped their plan setting (0122, ADR 0123): set it again.
  await sql`select ecotone_keep_function_plans()`.execute(db);
}
