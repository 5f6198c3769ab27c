// Insight rollups, kept at write time by triggers (docs/adr/0080-insight-rollups-from-triggers.md).
//
// A post, like, vote, idea or membership reaches the database through many
// doors (web, both APIs, every inbox handler); triggers on the base tables see
// all of them in the writing transaction. Each counted thing is first recorded
// once in `insight_facts`, keyed by its activity id, so a retried or duplicated
// delivery (already deduplicated by the base tables) can never count twice, and
// an Undo/Delete takes back exactly the bucket it was counted in even when the
// person's organization label changed in between.
//
//   insight_facts   one row per counted activity: group, UTC day, organization, audience, metric
//   insight_daily   counts by group × day × metric × organization × audience (what reads sum),
//                   with a total row per group × day × metric (organization = audience = '')
//   insight_active  who did something on a day; insight_active_weeks in a week;
//   insight_last_active the last day each person did something (people active since a day)
//   insight_threads one row per root post in a group: when the first reply of someone else came
//   insight_thread_answers the first reply of each organization in a thread
//
// group_id '' holds activity outside any group; '*' the whole instance (every
// fact is counted under its group and under '*', so instance reads are as small
// as a group's).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table insight_facts (
    key text primary key,
    group_id text not null,
    day date not null,
    organization text not null,
    audience text not null,
    metric text not null,
    actor_id text not null
  )`.execute(db);
  await sql`create index insight_facts_actor_idx on insight_facts (actor_id, day)`.execute(db);
  await sql`create table insight_daily (
    group_id text not null,
    day date not null,
    metric text not null,
    organization text not null,
    audience text not null,
    count bigint not null,
    primary key (group_id, day, metric, organization, audience)
  )`.execute(db);
  // Unsplit reads take only the total rows.
  await sql`create index insight_daily_totals_idx on insight_daily (group_id, day, metric) include (count) where organization = ''`.execute(db);
  await sql`create table insight_active (
    group_id text not null,
    day date not null,
    actor_id text not null,
    organization text not null,
    audience text not null,
    primary key (group_id, day, actor_id)
  )`.execute(db);
  await sql`create index insight_active_actor_idx on insight_active (actor_id, day)`.execute(db);
  await sql`create table insight_active_weeks (
    group_id text not null,
    week date not null,
    actor_id text not null,
    organization text not null,
    audience text not null,
    primary key (group_id, week, actor_id)
  )`.execute(db);
  await sql`create table insight_last_active (
    group_id text not null,
    actor_id text not null,
    organization text not null,
    audience text not null,
    last_day date not null,
    primary key (group_id, actor_id)
  )`.execute(db);
  await sql`create index insight_last_active_day_idx on insight_last_active (group_id, last_day)`.execute(db);
  await sql`create table insight_threads (
    thread_uri text primary key,
    group_id text not null,
    post_id text not null,
    author_id text not null,
    organization text not null,
    audience text not null,
    opened_at timestamptz not null,
    first_reply_at timestamptz,
    first_reply_organization text
  )`.execute(db);
  await sql`create index insight_threads_group_idx on insight_threads (group_id, opened_at)`.execute(db);
  await sql`create index insight_threads_unanswered_idx on insight_threads (opened_at) where first_reply_at is null`.execute(db);
  await sql`create table insight_thread_answers (
    thread_uri text not null,
    organization text not null,
    first_at timestamptz not null,
    primary key (thread_uri, organization)
  )`.execute(db);

  // The audience rule of partner.service.ts `audiencesOf` + organization.rules.ts
  // `audienceForRelationship`, in SQL for the triggers; test/db/insight-rollups.int.test.ts
  // checks the two agree for every relationship.
  await sql`
    create or replace function ecotone_insight_audience(actor text, org text) returns text language sql stable as $$
      select coalesce(
        (select u.audience from users u where u.actor_id = actor),
        (select pa.audience from person_audiences pa where pa.actor_id = actor),
        (select case p.relationship when 'customer' then 'customer' when 'prospect' then 'customer'
                 when 'partner' then 'partner' when 'supplier' then 'supplier' when 'affiliate' then 'employee' end
           from partners p where p.domain = org),
        'other')
    $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_bump(grp text, d date, m text, org text, aud text, delta bigint) returns void language sql as $$
      insert into insight_daily (group_id, day, metric, organization, audience, count) values (grp, d, m, org, aud, delta), (grp, d, m, '', '', delta)
      on conflict (group_id, day, metric, organization, audience) do update set count = insight_daily.count + excluded.count
    $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_active(grp text, d date, actor text, org text, aud text) returns void language plpgsql as $$
    declare n int;
    begin
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
    declare org text; kind text; aud text; d date; g text := coalesce(grp, ''); n int;
    begin
      select a.domain, a.type into org, kind from actors a where a.id = actor;
      if org is null then return; end if;
      aud := ecotone_insight_audience(actor, org);
      d := (coalesce(at, now()) at time zone 'UTC')::date;
      insert into insight_facts (key, group_id, day, organization, audience, metric, actor_id)
      values (k, g, d, org, aud, m, actor) on conflict do nothing;
      get diagnostics n = row_count;
      if n = 0 then return; end if;
      perform ecotone_insight_bump(g, d, m, org, aud, 1);
      perform ecotone_insight_bump('*', d, m, org, aud, 1);
      -- Active members are people: a group's own answers count as replies, not as a member.
      if m <> 'left' and kind not in ('Group', 'Application', 'Service') then
        perform ecotone_insight_active(g, d, actor, org, aud);
        perform ecotone_insight_active('*', d, actor, org, aud);
      end if;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_forget(k text) returns void language plpgsql as $$
    declare f insight_facts%rowtype;
    begin
      delete from insight_facts where key = k returning * into f;
      if found then
        perform ecotone_insight_bump(f.group_id, f.day, f.metric, f.organization, f.audience, -1);
        perform ecotone_insight_bump('*', f.day, f.metric, f.organization, f.audience, -1);
      end if;
    end $$`.execute(db);

  // A thread's first reply by someone other than its author (or the group's
  // own acceptance note), overall and per
  // organization, recomputed from the thread's posts (indexed by thread_uri):
  // replies that arrive before their root, and deleted replies, stay exact.
  await sql`
    create or replace function ecotone_insight_thread_refresh(t text) returns void language plpgsql as $$
    declare th insight_threads%rowtype;
    begin
      select * into th from insight_threads where thread_uri = t;
      if not found then return; end if;
      delete from insight_thread_answers where thread_uri = t;
      insert into insight_thread_answers (thread_uri, organization, first_at)
        select t, a.domain, min(p.published_at) from posts p join actors a on a.id = p.author_id
        where p.thread_uri = t and p.in_reply_to_uri is not null and p.author_id <> th.author_id
          and p.author_id <> th.group_id
        group by a.domain;
      update insight_threads set
        first_reply_at = (select min(first_at) from insight_thread_answers where thread_uri = t),
        first_reply_organization = (select organization from insight_thread_answers where thread_uri = t order by first_at, organization limit 1)
      where thread_uri = t;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_post() returns trigger language plpgsql as $$
    declare org text;
    begin
      if tg_op = 'INSERT' then
        perform ecotone_insight_record('post:' || new.uri, new.group_id, new.published_at, new.author_id,
          case when new.in_reply_to_uri is null then 'posts' else 'replies' end);
        if new.group_id is not null then
          if new.in_reply_to_uri is null then
            select a.domain into org from actors a where a.id = new.author_id;
            insert into insight_threads (thread_uri, group_id, post_id, author_id, organization, audience, opened_at)
            values (new.thread_uri, new.group_id, new.id, new.author_id, org, ecotone_insight_audience(new.author_id, org), new.published_at)
            on conflict do nothing;
          end if;
          perform ecotone_insight_thread_refresh(new.thread_uri);
        end if;
        return null;
      end if;
      perform ecotone_insight_forget('post:' || old.uri);
      if old.in_reply_to_uri is null then
        delete from insight_thread_answers where thread_uri = old.thread_uri
          and exists (select 1 from insight_threads where thread_uri = old.thread_uri and post_id = old.id);
        delete from insight_threads where thread_uri = old.thread_uri and post_id = old.id;
      else
        perform ecotone_insight_thread_refresh(old.thread_uri);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger posts_insights after insert or delete on posts for each row execute function ecotone_insight_post()`.execute(db);

  // Likes of an idea are its votes (idea.service.ts).
  await sql`
    create or replace function ecotone_insight_like() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        perform ecotone_insight_forget('like:' || old.activity_uri);
        return null;
      end if;
      perform ecotone_insight_record('like:' || new.activity_uri, p.group_id, new.created_at, new.actor_id,
        case when exists (select 1 from ideas i where i.post_id = new.post_id) then 'votes' else 'likes' end)
      from posts p where p.id = new.post_id;
      return null;
    end $$`.execute(db);
  await sql`create trigger likes_insights after insert or delete on likes for each row execute function ecotone_insight_like()`.execute(db);

  await sql`
    create or replace function ecotone_insight_idea() returns trigger language plpgsql as $$
    begin
      perform ecotone_insight_record('idea:' || p.uri, new.group_id, p.published_at, p.author_id, 'ideas')
      from posts p where p.id = new.post_id;
      return null;
    end $$`.execute(db);
  await sql`create trigger ideas_insights after insert on ideas for each row execute function ecotone_insight_idea()`.execute(db);

  // Memberships of groups: joined when a follow of a group becomes accepted,
  // left when an accepted one goes away (both permanent events).
  await sql`
    create or replace function ecotone_insight_membership() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.state = 'accepted' and exists (select 1 from groups g where g.actor_id = old.followee_id) then
          perform ecotone_insight_record('left:' || old.activity_uri || ':' || old.id, old.followee_id, now(), old.follower_id, 'left');
        end if;
      elsif new.state = 'accepted' and (tg_op = 'INSERT' or old.state <> 'accepted')
            and exists (select 1 from groups g where g.actor_id = new.followee_id) then
        perform ecotone_insight_record('joined:' || new.activity_uri || ':' || new.id, new.followee_id,
          coalesce(new.accepted_at, new.created_at), new.follower_id, 'joined');
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger follows_insights after insert or update of state or delete on follows
    for each row execute function ecotone_insight_membership()`.execute(db);

  await createBackfill(db);
  await sql`select ecotone_insight_backfill()`.execute(db);
}

// Rebuilds every rollup from the base tables (`ecotone insights backfill`, and
// this migration for existing data), set-based so a million posts take
// seconds, not a million function calls; test/db/insight-rollups.int.test.ts
// checks it agrees with what the triggers keep. Departures are the one kind of
// fact the base tables no longer hold (the follow row is gone), so they are
// kept and re-counted rather than rebuilt.
async function createBackfill(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function ecotone_insight_backfill() returns void language plpgsql as $$
    begin
      delete from insight_daily; delete from insight_active; delete from insight_active_weeks; delete from insight_last_active;
      delete from insight_facts where metric <> 'left';
      delete from insight_thread_answers; delete from insight_threads;
      insert into insight_facts (key, group_id, day, organization, audience, metric, actor_id)
      select x.key, x.group_id, (x.at at time zone 'UTC')::date, a.domain, ecotone_insight_audience(a.id, a.domain), x.metric, a.id
      from (
        select 'post:' || p.uri as key, coalesce(p.group_id, '') as group_id, p.published_at as at, p.author_id as actor_id,
          case when p.in_reply_to_uri is null then 'posts' else 'replies' end as metric
        from posts p
        union all
        select 'like:' || l.activity_uri, coalesce(p.group_id, ''), l.created_at, l.actor_id,
          case when exists (select 1 from ideas i where i.post_id = l.post_id) then 'votes' else 'likes' end
        from likes l join posts p on p.id = l.post_id
        union all
        select 'idea:' || p.uri, i.group_id, p.published_at, p.author_id, 'ideas' from ideas i join posts p on p.id = i.post_id
        union all
        select 'joined:' || f.activity_uri || ':' || f.id, f.followee_id, coalesce(f.accepted_at, f.created_at), f.follower_id, 'joined'
        from follows f join groups g on g.actor_id = f.followee_id where f.state = 'accepted'
      ) x join actors a on a.id = x.actor_id
      on conflict do nothing;
      insert into insight_daily (group_id, day, metric, organization, audience, count)
        select g, day, metric, coalesce(organization, ''), coalesce(audience, ''), count(*)
        from (select f.group_id as g, f.day, f.metric, f.organization, f.audience from insight_facts f
              union all select '*', f.day, f.metric, f.organization, f.audience from insight_facts f) x
        group by grouping sets ((g, day, metric, organization, audience), (g, day, metric));
      insert into insight_active (group_id, day, actor_id, organization, audience)
        select distinct on (g, f.day, f.actor_id) g, f.day, f.actor_id, f.organization, f.audience
        from insight_facts f join actors a on a.id = f.actor_id
        cross join lateral (values (f.group_id), ('*')) as scopes(g)
        where f.metric <> 'left' and a.type not in ('Group', 'Application', 'Service')
        order by g, f.day, f.actor_id, f.key;
      insert into insight_active_weeks (group_id, week, actor_id, organization, audience)
        select distinct on (group_id, date_trunc('week', day), actor_id) group_id, date_trunc('week', day)::date, actor_id, organization, audience
        from insight_active order by group_id, date_trunc('week', day), actor_id, day;
      insert into insight_last_active (group_id, actor_id, organization, audience, last_day)
        select distinct on (group_id, actor_id) group_id, actor_id, organization, audience, day
        from insight_active order by group_id, actor_id, day desc;
      insert into insight_daily (group_id, day, metric, organization, audience, count)
        select group_id, day, 'active', coalesce(organization, ''), coalesce(audience, ''), count(*) from insight_active
        group by grouping sets ((group_id, day, organization, audience), (group_id, day));
      insert into insight_daily (group_id, day, metric, organization, audience, count)
        select group_id, week, 'active_week', coalesce(organization, ''), coalesce(audience, ''), count(*) from insight_active_weeks
        group by grouping sets ((group_id, week, organization, audience), (group_id, week));
      insert into insight_threads (thread_uri, group_id, post_id, author_id, organization, audience, opened_at)
        select p.thread_uri, p.group_id, p.id, p.author_id, a.domain, ecotone_insight_audience(p.author_id, a.domain), p.published_at
        from posts p join actors a on a.id = p.author_id
        where p.group_id is not null and p.in_reply_to_uri is null on conflict do nothing;
      insert into insight_thread_answers (thread_uri, organization, first_at)
        select t.thread_uri, a.domain, min(p.published_at)
        from insight_threads t join posts p on p.thread_uri = t.thread_uri join actors a on a.id = p.author_id
        where p.in_reply_to_uri is not null and p.author_id <> t.author_id and p.author_id <> t.group_id
        group by t.thread_uri, a.domain;
      update insight_threads t set first_reply_at = x.first_at, first_reply_organization = x.organization
        from (select distinct on (thread_uri) thread_uri, organization, first_at from insight_thread_answers
              order by thread_uri, first_at, organization) x
        where x.thread_uri = t.thread_uri;
    end $$`.execute(db);
}
