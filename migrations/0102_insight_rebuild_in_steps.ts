// One rebuild of every insight rollup, fast enough for PGlite at 1M posts
// (docs/adr/0117-insight-rebuild-in-timed-steps.md, docs/insights.md "Speed").
//
// `ecotone_insight_backfill()` had grown into a chain (0080 → 0082 → 0084 →
// 0086 → 0096) that on PGlite took 406 s for 1M posts. Its costs were per-row
// work inside set-based statements: the audience function's three lookups for
// every fact and thread, an `exists` into ideas for every like, a sort of
// three million facts by their long keys, 666k thread rows written twice (insert,
// then the first reply as an update) with a trigger call for each, and every
// index kept row by row. Here the rebuild is restated whole, in one function
// with the same results (test/db/insight-rebuild.int.test.ts compares it with
// what the triggers keep):
//   - each person's organization and audience is computed once (a temporary table);
//   - the rollup tables are emptied with TRUNCATE (what must survive, departures
//     and replies to deleted posts, is set aside first), their indexes and
//     primary keys dropped and built again at the end (a sort each, instead of
//     millions of random inserts into a b-tree);
//   - a thread is written once, with its first reply;
//   - the thread rollups' own triggers are off while it runs (they would only
//     return: the rebuild writes those rollups itself).
// It returns each step's time, so `ecotone insights backfill` and the bench can
// say where the time goes.
import { sql, type Kysely } from "kysely";

/** A post whose contacts may be counted (0096): `p` is the posts row's alias. */
const SHARED = (p: string) => `(${p}.group_id is not null or ${p}.visibility in ('public', 'unlisted'))`;

/** Rollup tables the rebuild fills from nothing; their secondary indexes are built after the load. */
const ROLLUPS = [
  "insight_facts",
  "insight_daily",
  "insight_active",
  "insight_active_weeks",
  "insight_last_active",
  "insight_threads",
  "insight_thread_answers",
  "insight_thread_daily",
  "insight_thread_latency",
  "insight_thread_monthly",
  "insight_pair_facts",
  "insight_pairs_daily",
];

/** The rollups' own triggers (0082, 0085): the rebuild writes what they would. */
const ROLLUP_TRIGGERS = [
  ["insight_threads", "insight_threads_daily"],
  ["insight_threads", "insight_threads_daily_update"],
  ["insight_thread_answers", "insight_thread_answers_daily"],
  ["insight_thread_answers", "insight_thread_answers_daily_update"],
];

export async function up(db: Kysely<any>): Promise<void> {
  const list = ROLLUPS.map((t) => `'${t}'`).join(", ");
  const triggers = (on: boolean) => ROLLUP_TRIGGERS.map(([t, g]) => `alter table ${t} ${on ? "enable" : "disable"} trigger ${g};`).join("\n      ");
  await sql`drop function ecotone_insight_backfill()`.execute(db);
  for (const old of [
    "ecotone_insight_backfill_0080",
    "ecotone_insight_backfill_0082",
    "ecotone_insight_thread_rollup_rebuild",
    "ecotone_insight_thread_rollup_rebuild_0082",
    "ecotone_insight_pair_rebuild",
  ])
    await sql`drop function ${sql.raw(old)}()`.execute(db);
  await sql
    .raw(
      `
    create function ecotone_insight_backfill() returns table (step text, ms double precision) language plpgsql as $$
    #variable_conflict use_column
    declare t0 timestamptz := clock_timestamp(); ix record; defs text[] := '{}'; keys text[] := '{}';
    begin
      -- Rows arriving meanwhile wait for the rebuild rather than be counted twice or lost.
      lock table ${ROLLUPS.join(", ")} in exclusive mode;
      perform set_config('work_mem', '64MB', true);
      perform set_config('maintenance_work_mem', '256MB', true);
      ${triggers(false)}

      -- Departures are facts the base tables no longer hold (the follow row is
      -- gone), and so are the arrivals of those who left; a reply whose parent
      -- is gone still answered that person (0096).
      drop table if exists pg_temp.insight_kept_facts, pg_temp.insight_kept_pairs, pg_temp.insight_people;
      create temp table insight_kept_facts on commit drop as select * from insight_facts f where f.metric = 'left'
        or (f.metric = 'joined' and exists (select 1 from insight_facts l where l.key = 'left:' || substr(f.key, 8)));
      create temp table insight_kept_pairs on commit drop as select f.* from insight_pair_facts f
        where f.kind = 'replies' and exists (select 1 from posts r where r.uri = substr(f.key, 7) and ${SHARED("r")}
          and not exists (select 1 from posts p where p.uri = r.in_reply_to_uri));
      truncate ${ROLLUPS.join(", ")};
      for ix in select i.schemaname, i.indexname, i.indexdef from pg_indexes i
          where i.schemaname = current_schema() and i.tablename in (${list}) and i.indexdef not like 'CREATE UNIQUE%'
            and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = current_schema()::regnamespace) loop
        defs := defs || ix.indexdef;
        execute format('drop index %I.%I', ix.schemaname, ix.indexname);
      end loop;
      -- Primary keys too, but insight_threads' (the one insert that relies on it):
      -- every other row written below is unique by construction (grouped, distinct,
      -- or keyed by a unique column of its base table), and adding the key back
      -- at the end checks that.
      for ix in select c.conrelid::regclass as tbl, c.conname, pg_get_constraintdef(c.oid) as def from pg_constraint c
          join pg_class r on r.oid = c.conrelid
          where c.contype = 'p' and r.relnamespace = current_schema()::regnamespace and r.relname in (${list}) and r.relname <> 'insight_threads' loop
        keys := keys || format('alter table %s add constraint %I %s', ix.tbl, ix.conname, ix.def);
        execute format('alter table %s drop constraint %I', ix.tbl, ix.conname);
      end loop;
      insert into insight_facts select * from insight_kept_facts;
      insert into insight_pair_facts select * from insight_kept_pairs;
      step := 'set aside departures, emptied the rollups'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      -- ecotone_insight_audience (0080) for everyone at once.
      create temp table insight_people on commit drop as
        select a.id, a.domain, a.type, coalesce(u.audience, pa.audience,
          case p.relationship when 'customer' then 'customer' when 'prospect' then 'customer'
            when 'partner' then 'partner' when 'supplier' then 'supplier' when 'affiliate' then 'employee' end, 'other') as audience
        from actors a left join users u on u.actor_id = a.id left join person_audiences pa on pa.actor_id = a.id
          left join partners p on p.domain = a.domain;
      alter table insight_people add primary key (id);
      analyze insight_people;
      step := 'organization and audience of each person'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      insert into insight_facts (key, group_id, day, organization, audience, metric, actor_id)
      select x.key, x.group_id, (x.at at time zone 'UTC')::date, a.domain, a.audience, x.metric, a.id
      from (
        select 'post:' || p.uri as key, coalesce(p.group_id, '') as group_id, p.published_at as at, p.author_id as actor_id,
          case when p.in_reply_to_uri is null then 'posts' else 'replies' end as metric
        from posts p
        union all
        select 'like:' || l.activity_uri, coalesce(p.group_id, ''), l.created_at, l.actor_id,
          case when i.post_id is not null then 'votes' else 'likes' end
        from likes l join posts p on p.id = l.post_id left join ideas i on i.post_id = l.post_id
        union all
        select 'idea:' || p.uri, i.group_id, p.published_at, p.author_id, 'ideas' from ideas i join posts p on p.id = i.post_id
        union all
        select 'joined:' || f.activity_uri || ':' || f.id, f.followee_id, coalesce(f.accepted_at, f.created_at), f.follower_id, 'joined'
        from follows f join groups g on g.actor_id = f.followee_id where f.state = 'accepted'
      ) x join insight_people a on a.id = x.actor_id;
      analyze insight_facts;
      step := 'facts'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      insert into insight_daily (group_id, day, metric, organization, audience, count)
        select g, day, metric, coalesce(organization, ''), coalesce(audience, ''), count(*)
        from insight_facts f cross join lateral (values (f.group_id), ('*')) as scopes(g)
        group by grouping sets ((g, day, metric, organization, audience), (g, day, metric));
      step := 'daily counts'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      -- A person's organization and audience as the facts rebuilt here took them
      -- (one row per person and day, whatever facts were kept from before).
      insert into insight_active (group_id, day, actor_id, organization, audience)
        select distinct g, f.day, f.actor_id, a.domain, a.audience
        from insight_facts f join insight_people a on a.id = f.actor_id
        cross join lateral (values (f.group_id), ('*')) as scopes(g)
        where f.metric <> 'left' and a.type not in ('Group', 'Application', 'Service');
      analyze insight_active;
      insert into insight_active_weeks (group_id, week, actor_id, organization, audience)
        select distinct group_id, date_trunc('week', day)::date, actor_id, organization, audience from insight_active;
      insert into insight_last_active (group_id, actor_id, organization, audience, last_day)
        select group_id, actor_id, organization, audience, max(day) from insight_active group by 1, 2, 3, 4;
      insert into insight_daily (group_id, day, metric, organization, audience, count)
        select group_id, day, 'active', coalesce(organization, ''), coalesce(audience, ''), count(*) from insight_active
        group by grouping sets ((group_id, day, organization, audience), (group_id, day));
      insert into insight_daily (group_id, day, metric, organization, audience, count)
        select group_id, week, 'active_week', coalesce(organization, ''), coalesce(audience, ''), count(*) from insight_active_weeks
        group by grouping sets ((group_id, week, organization, audience), (group_id, week));
      step := 'active people'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      -- Each organization's first answer in a group thread: replies by someone
      -- other than the thread's author and the group (0080's thread refresh).
      insert into insight_thread_answers (thread_uri, organization, first_at)
        select t.thread_uri, a.domain, min(p.published_at)
        from posts t join posts p on p.thread_uri = t.thread_uri join actors a on a.id = p.author_id
        where t.group_id is not null and t.in_reply_to_uri is null
          and p.in_reply_to_uri is not null and p.author_id <> t.author_id and p.author_id <> t.group_id
        group by t.thread_uri, a.domain;
      insert into insight_threads (thread_uri, group_id, post_id, author_id, organization, audience, opened_at, first_reply_at, first_reply_organization)
        select p.thread_uri, p.group_id, p.id, p.author_id, a.domain, a.audience, p.published_at, f.first_at, f.organization
        from posts p join insight_people a on a.id = p.author_id
        left join (select distinct on (thread_uri) thread_uri, organization, first_at from insight_thread_answers
                   order by thread_uri, first_at, organization) f on f.thread_uri = p.thread_uri
        where p.group_id is not null and p.in_reply_to_uri is null
        on conflict do nothing;
      analyze insight_threads;
      analyze insight_thread_answers;
      step := 'threads and first answers'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

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
      insert into insight_thread_monthly (group_id, month, organization, audience, answerer, threads, answered, reply_seconds)
        select group_id, date_trunc('month', day)::date, organization, audience, answerer, sum(threads), sum(answered), sum(reply_seconds)
        from insight_thread_daily group by 1, 2, 3, 4, 5;
      step := 'thread figures per day and month'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      insert into insight_pair_facts (key, group_id, day, kind, actor_id, organization, other_actor_id, other_organization)
        select x.key, coalesce(x.group_id, ''), (x.at at time zone 'UTC')::date, x.kind, a.id, a.domain, o.id, o.domain
        from (
          select 'reply:' || r.uri as key, r.group_id, r.published_at as at, 'replies' as kind, r.author_id as actor, p.author_id as other
          from posts r join posts p on p.uri = r.in_reply_to_uri where r.in_reply_to_uri is not null and ${SHARED("r")}
          union all
          select 'mention:' || m.post_id || ' ' || m.actor_uri, p.group_id, p.published_at, 'mentions', p.author_id, ma.id
          from post_mentions m join posts p on p.id = m.post_id join actors ma on ma.uri = m.actor_uri where ${SHARED("p")}
          union all
          select 'works:' || ta.task_id || ' ' || ta.actor_id, t.group_id, ta.created_at, 'works', t.author_id, ta.actor_id
          from task_assignees ta join tasks t on t.id = ta.task_id where ta.state = 'accepted'
        ) x join insight_people a on a.id = x.actor join insight_people o on o.id = x.other
        where a.domain <> o.domain and a.type not in ('Group', 'Application', 'Service') and o.type not in ('Group', 'Application', 'Service');
      insert into insight_pairs_daily (group_id, day, kind, organization, other_organization, count)
        select g, day, kind, organization, other_organization, count(*)
        from insight_pair_facts f cross join lateral (values (f.group_id), ('*')) as scopes(g)
        group by 1, 2, 3, 4, 5;
      step := 'contacts between organizations'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next; t0 := clock_timestamp();

      for i in 1 .. coalesce(array_length(keys, 1), 0) loop execute keys[i]; end loop;
      for i in 1 .. coalesce(array_length(defs, 1), 0) loop execute defs[i]; end loop;
      ${triggers(true)}
      step := 'keys and indexes of the rollups built again'; ms := extract(epoch from clock_timestamp() - t0) * 1000; return next;
    end $$`,
    )
    .execute(db);
}
