// A monthly grain beside 0082's per-day thread rollups: a period's whole
// months are read from one row per month instead of thirty (docs/insights.md
// "Speed": at 1M posts the instance's answer rates between 100 organizations
// were as many rows as answers). Same columns, `month` = the month's first day;
// kept by the same bump as the daily rows, so both stay equal to a recount.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table insight_thread_monthly (
    group_id text not null,
    month date not null,
    organization text not null,
    audience text not null,
    answerer text not null,
    threads bigint not null,
    answered bigint not null,
    reply_seconds bigint not null,
    primary key (group_id, month, answerer, organization, audience)
  )`.execute(db);

  await sql`
    create or replace function ecotone_insight_thread_bump(grp text, d date, org text, aud text, ans text, dt bigint, da bigint, ds bigint)
    returns void language sql as $$
      insert into insight_thread_daily (group_id, day, organization, audience, answerer, threads, answered, reply_seconds)
      values (grp, d, org, aud, ans, dt, da, ds), ('*', d, org, aud, ans, dt, da, ds)
      on conflict (group_id, day, answerer, organization, audience) do update set
        threads = insight_thread_daily.threads + excluded.threads,
        answered = insight_thread_daily.answered + excluded.answered,
        reply_seconds = insight_thread_daily.reply_seconds + excluded.reply_seconds;
      insert into insight_thread_monthly (group_id, month, organization, audience, answerer, threads, answered, reply_seconds)
      values (grp, date_trunc('month', d)::date, org, aud, ans, dt, da, ds), ('*', date_trunc('month', d)::date, org, aud, ans, dt, da, ds)
      on conflict (group_id, month, answerer, organization, audience) do update set
        threads = insight_thread_monthly.threads + excluded.threads,
        answered = insight_thread_monthly.answered + excluded.answered,
        reply_seconds = insight_thread_monthly.reply_seconds + excluded.reply_seconds;
    $$`.execute(db);

  await sql`alter function ecotone_insight_thread_rollup_rebuild() rename to ecotone_insight_thread_rollup_rebuild_0082`.execute(db);
  await sql`
    create or replace function ecotone_insight_thread_rollup_rebuild() returns void language plpgsql as $$
    begin
      perform ecotone_insight_thread_rollup_rebuild_0082();
      delete from insight_thread_monthly;
      insert into insight_thread_monthly (group_id, month, organization, audience, answerer, threads, answered, reply_seconds)
        select group_id, date_trunc('month', day)::date, organization, audience, answerer, sum(threads), sum(answered), sum(reply_seconds)
        from insight_thread_daily group by 1, 2, 3, 4, 5;
    end $$`.execute(db);
  await sql`
    insert into insight_thread_monthly (group_id, month, organization, audience, answerer, threads, answered, reply_seconds)
    select group_id, date_trunc('month', day)::date, organization, audience, answerer, sum(threads), sum(answered), sum(reply_seconds)
    from insight_thread_daily group by 1, 2, 3, 4, 5`.execute(db);
}
