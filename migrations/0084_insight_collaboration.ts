// Collaboration across companies, kept by triggers like 0080's facts
// (docs/insights.md "Collaboration"): who replies to, mentions and works with
// whom, organization × organization, and the people who bridge companies.
//
//   insight_pair_facts  one row per cross-company contact, keyed by what made it:
//                       reply:<post uri> (a reply to someone of another organization),
//                       mention:<post id> <actor uri> (a post naming them),
//                       works:<task id> <actor id> (an accepted assignee of another
//                       organization than the task's opener)
//   insight_pairs_daily counts by group × day × kind × organization → other organization,
//                       under the group and '*' (the picture reads only these)
//
// Only contacts between two different organizations count, and only between
// people (a group's own actor or an application is nobody's colleague).
// Duplicates are refused by the base tables' keys and again by the fact key;
// an undo (a deleted reply, a removed mention, a dropped assignee) takes back
// exactly the fact, which holds its own group, day and organizations. A reply
// stays counted when its parent is deleted later (it did answer that person).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table insight_pair_facts (
    key text primary key,
    group_id text not null,
    day date not null,
    kind text not null,
    actor_id text not null,
    organization text not null,
    other_actor_id text not null,
    other_organization text not null
  )`.execute(db);
  await sql`create index insight_pair_facts_group_idx on insight_pair_facts (group_id, day)`.execute(db);
  await sql`create index insight_pair_facts_day_idx on insight_pair_facts (day)`.execute(db);
  await sql`create table insight_pairs_daily (
    group_id text not null,
    day date not null,
    kind text not null,
    organization text not null,
    other_organization text not null,
    count bigint not null,
    primary key (group_id, day, kind, organization, other_organization)
  )`.execute(db);

  await sql`
    create or replace function ecotone_insight_pair_bump(f insight_pair_facts, delta bigint) returns void language sql as $$
      insert into insight_pairs_daily (group_id, day, kind, organization, other_organization, count)
      values (f.group_id, f.day, f.kind, f.organization, f.other_organization, delta), ('*', f.day, f.kind, f.organization, f.other_organization, delta)
      on conflict (group_id, day, kind, organization, other_organization) do update set count = insight_pairs_daily.count + excluded.count
    $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_pair_record(k text, grp text, at timestamptz, actor text, other text, kind text)
    returns void language plpgsql as $$
    declare a actors%rowtype; o actors%rowtype; f insight_pair_facts; n int;
    begin
      select * into a from actors where id = actor;
      select * into o from actors where id = other;
      if a.id is null or o.id is null or a.domain = o.domain then return; end if;
      if a.type in ('Group', 'Application', 'Service') or o.type in ('Group', 'Application', 'Service') then return; end if;
      f := (k, coalesce(grp, ''), (coalesce(at, now()) at time zone 'UTC')::date, kind, a.id, a.domain, o.id, o.domain);
      insert into insight_pair_facts values (f.*) on conflict do nothing;
      get diagnostics n = row_count;
      if n > 0 then perform ecotone_insight_pair_bump(f, 1); end if;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_pair_forget(k text) returns void language plpgsql as $$
    declare f insight_pair_facts;
    begin
      delete from insight_pair_facts where key = k returning * into f;
      if found then perform ecotone_insight_pair_bump(f, -1); end if;
    end $$`.execute(db);

  // A reply counts toward the parent's author when we hold the parent (a reply
  // that arrives before its parent is not counted until a backfill).
  await sql`
    create or replace function ecotone_insight_pair_post() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        perform ecotone_insight_pair_forget('reply:' || old.uri);
      elsif new.in_reply_to_uri is not null then
        perform ecotone_insight_pair_record('reply:' || new.uri, new.group_id, new.published_at, new.author_id, p.author_id, 'replies')
        from posts p where p.uri = new.in_reply_to_uri;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger posts_insight_pairs after insert or delete on posts for each row execute function ecotone_insight_pair_post()`.execute(db);

  // The post row may be gone already when its mentions are deleted with it:
  // the key uses only the mention row itself.
  await sql`
    create or replace function ecotone_insight_pair_mention() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        perform ecotone_insight_pair_forget('mention:' || old.post_id || ' ' || old.actor_uri);
      else
        perform ecotone_insight_pair_record('mention:' || new.post_id || ' ' || new.actor_uri, p.group_id, p.published_at, p.author_id, a.id, 'mentions')
        from posts p, actors a where p.id = new.post_id and a.uri = new.actor_uri;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger post_mentions_insight_pairs after insert or delete on post_mentions
    for each row execute function ecotone_insight_pair_mention()`.execute(db);

  // Working together is an accepted assignment: a pending one is only an ask.
  await sql`
    create or replace function ecotone_insight_pair_assignee() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.state = 'accepted' then
        perform ecotone_insight_pair_forget('works:' || old.task_id || ' ' || old.actor_id);
      end if;
      if tg_op in ('UPDATE', 'INSERT') and new.state = 'accepted' then
        perform ecotone_insight_pair_record('works:' || new.task_id || ' ' || new.actor_id, t.group_id, new.created_at, t.author_id, new.actor_id, 'works')
        from tasks t where t.id = new.task_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger task_assignees_insight_pairs after insert or delete or update of state on task_assignees
    for each row execute function ecotone_insight_pair_assignee()`.execute(db);

  // `ecotone insights backfill` keeps one name: 0082's rebuild, then these.
  await sql`alter function ecotone_insight_backfill() rename to ecotone_insight_backfill_0082`.execute(db);
  await sql`
    create or replace function ecotone_insight_backfill() returns void language plpgsql as $$
    begin
      perform ecotone_insight_backfill_0082();
      perform ecotone_insight_pair_rebuild();
    end $$`.execute(db);
  await sql`
    create or replace function ecotone_insight_pair_rebuild() returns void language plpgsql as $$
    begin
      delete from insight_pairs_daily;
      -- A reply whose parent is gone still answered that person: its fact is
      -- kept (the base tables no longer say whom it answered), all else rebuilt.
      delete from insight_pair_facts f where not (f.kind = 'replies' and exists (
        select 1 from posts r where r.uri = substr(f.key, 7) and not exists (select 1 from posts p where p.uri = r.in_reply_to_uri)));
      insert into insight_pair_facts (key, group_id, day, kind, actor_id, organization, other_actor_id, other_organization)
        select x.key, coalesce(x.group_id, ''), (x.at at time zone 'UTC')::date, x.kind, a.id, a.domain, o.id, o.domain
        from (
          select 'reply:' || r.uri as key, r.group_id, r.published_at as at, 'replies' as kind, r.author_id as actor, p.author_id as other
          from posts r join posts p on p.uri = r.in_reply_to_uri where r.in_reply_to_uri is not null
          union all
          select 'mention:' || m.post_id || ' ' || m.actor_uri, p.group_id, p.published_at, 'mentions', p.author_id, ma.id
          from post_mentions m join posts p on p.id = m.post_id join actors ma on ma.uri = m.actor_uri
          union all
          select 'works:' || ta.task_id || ' ' || ta.actor_id, t.group_id, ta.created_at, 'works', t.author_id, ta.actor_id
          from task_assignees ta join tasks t on t.id = ta.task_id where ta.state = 'accepted'
        ) x join actors a on a.id = x.actor join actors o on o.id = x.other
        where a.domain <> o.domain and a.type not in ('Group', 'Application', 'Service') and o.type not in ('Group', 'Application', 'Service')
        on conflict do nothing;
      insert into insight_pairs_daily (group_id, day, kind, organization, other_organization, count)
        select g, day, kind, organization, other_organization, count(*)
        from insight_pair_facts f cross join lateral (values (f.group_id), ('*')) as scopes(g)
        group by 1, 2, 3, 4, 5;
    end $$`.execute(db);
  await sql`select ecotone_insight_pair_rebuild()`.execute(db);
}
