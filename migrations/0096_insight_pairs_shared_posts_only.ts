// The collaboration picture (0084) counted every reply and mention, a direct
// message or a followers-only post included, so the admins' view of who
// bridges companies named people who had written to another company in
// private — what the visibility rule never shows an admin. Only what was
// written for more than its addressees counts now: a post in a group, or a
// public or unlisted one (docs/insights.md "Collaboration"). The facts of
// other posts are taken back and the picture rebuilt.
import { sql, type Kysely } from "kysely";

/** A post whose contacts may be counted: `p` is the posts row's alias. */
const SHARED = (p: string) => `(${p}.group_id is not null or ${p}.visibility in ('public', 'unlisted'))`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function ecotone_insight_pair_post() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        perform ecotone_insight_pair_forget('reply:' || old.uri);
      elsif new.in_reply_to_uri is not null and ${sql.raw(SHARED("new"))} then
        perform ecotone_insight_pair_record('reply:' || new.uri, new.group_id, new.published_at, new.author_id, p.author_id, 'replies')
        from posts p where p.uri = new.in_reply_to_uri;
      end if;
      return null;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_pair_mention() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        perform ecotone_insight_pair_forget('mention:' || old.post_id || ' ' || old.actor_uri);
      else
        perform ecotone_insight_pair_record('mention:' || new.post_id || ' ' || new.actor_uri, p.group_id, p.published_at, p.author_id, a.id, 'mentions')
        from posts p, actors a where p.id = new.post_id and a.uri = new.actor_uri and ${sql.raw(SHARED("p"))};
      end if;
      return null;
    end $$`.execute(db);

  await sql`
    create or replace function ecotone_insight_pair_rebuild() returns void language plpgsql as $$
    begin
      delete from insight_pairs_daily;
      -- A reply whose parent is gone still answered that person: its fact is
      -- kept (the base tables no longer say whom it answered), all else rebuilt.
      delete from insight_pair_facts f where not (f.kind = 'replies' and exists (
        select 1 from posts r where r.uri = substr(f.key, 7) and ${sql.raw(SHARED("r"))}
          and not exists (select 1 from posts p where p.uri = r.in_reply_to_uri)));
      insert into insight_pair_facts (key, group_id, day, kind, actor_id, organization, other_actor_id, other_organization)
        select x.key, coalesce(x.group_id, ''), (x.at at time zone 'UTC')::date, x.kind, a.id, a.domain, o.id, o.domain
        from (
          select 'reply:' || r.uri as key, r.group_id, r.published_at as at, 'replies' as kind, r.author_id as actor, p.author_id as other
          from posts r join posts p on p.uri = r.in_reply_to_uri where r.in_reply_to_uri is not null and ${sql.raw(SHARED("r"))}
          union all
          select 'mention:' || m.post_id || ' ' || m.actor_uri, p.group_id, p.published_at, 'mentions', p.author_id, ma.id
          from post_mentions m join posts p on p.id = m.post_id join actors ma on ma.uri = m.actor_uri where ${sql.raw(SHARED("p"))}
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
