// Per-day thread rollups (docs/adr/0082-thread-rollups-per-day.md): the
// responsiveness figures (threads, answered, time to first reply, answer rates
// organization → organization) summed from rows per group × day, so a 90-day
// read never walks the period's threads.
//
//   insight_thread_daily   group × day the thread opened × asker organization × asker audience × answerer:
//                          answerer '' holds the threads opened, answered (by anyone) and the seconds to
//                          their first reply; answerer = a domain holds the threads that organization
//                          answered and the seconds to its first reply
//   insight_thread_latency group × day × latency bucket: answered threads by time to first reply
//                          (quarter-octave buckets of minutes), for the median
//
// Both are kept by triggers on insight_threads and insight_thread_answers,
// which 0080 already keeps exact under repeats, undo and late replies: every
// change there (insert, delete, a new first reply) is mirrored as a delta, so
// the sums stay equal to a recount. `ecotone_insight_backfill` rebuilds them
// set-based after 0080's tables (the triggers step aside while it runs).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table insight_thread_daily (
    group_id text not null,
    day date not null,
    organization text not null,
    audience text not null,
    answerer text not null,
    threads bigint not null,
    answered bigint not null,
    reply_seconds bigint not null,
    primary key (group_id, day, answerer, organization, audience)
  )`.execute(db);
  await sql`create table insight_thread_latency (
    group_id text not null,
    day date not null,
    bucket int not null,
    count bigint not null,
    primary key (group_id, day, bucket)
  )`.execute(db);
  // The oldest unanswered threads of a group, without walking its answered ones.
  await sql`create index insight_threads_group_unanswered_idx on insight_threads (group_id, opened_at) where first_reply_at is null`.execute(db);

  // Seconds from a thread's start to a reply; a reply dated before its root
  // (another server's clock) counts as immediate rather than negative.
  await sql`
    create or replace function ecotone_insight_reply_seconds(opened timestamptz, replied timestamptz) returns bigint language sql immutable as $$
      select greatest(0, round(extract(epoch from replied - opened)))::bigint
    $$`.execute(db);
  // Bucket b holds latencies of m minutes with floor(4 × log2(m + 1)) = b.
  await sql`
    create or replace function ecotone_insight_latency_bucket(s bigint) returns int language sql immutable as $$
      select floor(4 * log(2, s / 60.0 + 1))::int
    $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_thread_bump(grp text, d date, org text, aud text, ans text, dt bigint, da bigint, ds bigint)
    returns void language sql as $$
      insert into insight_thread_daily (group_id, day, organization, audience, answerer, threads, answered, reply_seconds)
      values (grp, d, org, aud, ans, dt, da, ds), ('*', d, org, aud, ans, dt, da, ds)
      on conflict (group_id, day, answerer, organization, audience) do update set
        threads = insight_thread_daily.threads + excluded.threads,
        answered = insight_thread_daily.answered + excluded.answered,
        reply_seconds = insight_thread_daily.reply_seconds + excluded.reply_seconds
    $$`.execute(db);
  await sql`
    create or replace function ecotone_insight_latency_bump(grp text, d date, s bigint, delta bigint) returns void language sql as $$
      insert into insight_thread_latency (group_id, day, bucket, count)
      values (grp, d, ecotone_insight_latency_bucket(s), delta), ('*', d, ecotone_insight_latency_bucket(s), delta)
      on conflict (group_id, day, bucket) do update set count = insight_thread_latency.count + excluded.count
    $$`.execute(db);

  // One thread's contribution to the overall row (sign +1 adds it, -1 takes it back).
  await sql`
    create or replace function ecotone_insight_thread_count(t insight_threads, sign bigint) returns void language plpgsql as $$
    declare d date := (t.opened_at at time zone 'UTC')::date; s bigint;
    begin
      if t.first_reply_at is null then
        perform ecotone_insight_thread_bump(t.group_id, d, t.organization, t.audience, '', sign, 0, 0);
      else
        s := ecotone_insight_reply_seconds(t.opened_at, t.first_reply_at);
        perform ecotone_insight_thread_bump(t.group_id, d, t.organization, t.audience, '', sign, sign, sign * s);
        perform ecotone_insight_latency_bump(t.group_id, d, s, sign);
      end if;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_thread_row() returns trigger language plpgsql as $$
    begin
      if current_setting('ecotone.insight_rebuild', true) = 'on' then return null; end if;
      if tg_op in ('UPDATE', 'DELETE') then perform ecotone_insight_thread_count(old, -1); end if;
      if tg_op in ('UPDATE', 'INSERT') then perform ecotone_insight_thread_count(new, 1); end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger insight_threads_daily after insert or delete on insight_threads
    for each row execute function ecotone_insight_thread_row()`.execute(db);
  // 0080 rewrites first_reply_at on every reply; only a real change moves a count.
  await sql`
    create trigger insight_threads_daily_update after update on insight_threads
    for each row when (old.first_reply_at is distinct from new.first_reply_at or old.opened_at is distinct from new.opened_at
      or old.group_id is distinct from new.group_id or old.organization is distinct from new.organization or old.audience is distinct from new.audience)
    execute function ecotone_insight_thread_row()`.execute(db);

  // An organization's first answer in a thread; the thread row is still there
  // when its answers go (0080 deletes them first).
  await sql`
    create or replace function ecotone_insight_thread_answer_row() returns trigger language plpgsql as $$
    declare a insight_thread_answers; sign bigint; t insight_threads%rowtype;
    begin
      if current_setting('ecotone.insight_rebuild', true) = 'on' then return null; end if;
      if tg_op = 'DELETE' then a := old; sign := -1; else a := new; sign := 1; end if;
      select * into t from insight_threads where thread_uri = a.thread_uri;
      if not found then return null; end if;
      perform ecotone_insight_thread_bump(t.group_id, (t.opened_at at time zone 'UTC')::date, t.organization, t.audience,
        a.organization, 0, sign, sign * ecotone_insight_reply_seconds(t.opened_at, a.first_at));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger insight_thread_answers_daily after insert or delete on insight_thread_answers
    for each row execute function ecotone_insight_thread_answer_row()`.execute(db);

  // `ecotone insights backfill` keeps one name: 0080's rebuild, then these.
  await sql`alter function ecotone_insight_backfill() rename to ecotone_insight_backfill_0080`.execute(db);
  await sql`
    create or replace function ecotone_insight_backfill() returns void language plpgsql as $$
    begin
      perform set_config('ecotone.insight_rebuild', 'on', true);
      perform ecotone_insight_backfill_0080();
      perform ecotone_insight_thread_rollup_rebuild();
      perform set_config('ecotone.insight_rebuild', 'off', true);
    end $$`.execute(db);
  await sql`
    create or replace function ecotone_insight_thread_rollup_rebuild() returns void language plpgsql as $$
    begin
      delete from insight_thread_daily; delete from insight_thread_latency;
      insert into insight_thread_daily (group_id, day, organization, audience, answerer, threads, answered, reply_seconds)
        select g, day, organization, audience, answerer, sum(threads), sum(answered), sum(reply_seconds) from (
          select t.group_id as g0, (t.opened_at at time zone 'UTC')::date as day, t.organization, t.audience, '' as answerer,
            1 as threads, case when t.first_reply_at is null then 0 else 1 end as answered,
            coalesce(ecotone_insight_reply_seconds(t.opened_at, t.first_reply_at), 0) as reply_seconds
          from insight_threads t
          union all
          select t.group_id, (t.opened_at at time zone 'UTC')::date, t.organization, t.audience, a.organization,
            0, 1, ecotone_insight_reply_seconds(t.opened_at, a.first_at)
          from insight_threads t join insight_thread_answers a on a.thread_uri = t.thread_uri
        ) x cross join lateral (values (x.g0), ('*')) as scopes(g)
        group by g, day, organization, audience, answerer;
      insert into insight_thread_latency (group_id, day, bucket, count)
        select g, (t.opened_at at time zone 'UTC')::date, ecotone_insight_latency_bucket(ecotone_insight_reply_seconds(t.opened_at, t.first_reply_at)), count(*)
        from insight_threads t cross join lateral (values (t.group_id), ('*')) as scopes(g)
        where t.first_reply_at is not null group by 1, 2, 3;
    end $$`.execute(db);
  await sql`select ecotone_insight_thread_rollup_rebuild()`.execute(db);
}
