// A new reply updates its thread's first answers in place instead of
// recomputing them from every post of the thread (0080 did; with 0082's
// rollups each recompute also took back and re-added every answer). Measured
// in `npm run bench insights` ("ms per inserted reply", docs/insights.md).
//
// On insert the result is the same as 0080's recompute: an organization's
// first answer is the earliest reply of its people by someone other than the
// thread's author and the group, and the thread's first reply the earliest of
// those (ties to the organization first by name). Deletes, and a root that
// arrives after its replies, still recompute (ecotone_insight_thread_refresh).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // 0082's rollups follow an answer that moves earlier.
  await sql`
    create or replace function ecotone_insight_thread_answer_row() returns trigger language plpgsql as $$
    declare t insight_threads%rowtype; d date;
    begin
      if current_setting('ecotone.insight_rebuild', true) = 'on' then return null; end if;
      select * into t from insight_threads where thread_uri = coalesce(new.thread_uri, old.thread_uri);
      if not found then return null; end if;
      d := (t.opened_at at time zone 'UTC')::date;
      if tg_op in ('UPDATE', 'DELETE') then
        perform ecotone_insight_thread_bump(t.group_id, d, t.organization, t.audience, old.organization, 0, -1, -ecotone_insight_reply_seconds(t.opened_at, old.first_at));
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        perform ecotone_insight_thread_bump(t.group_id, d, t.organization, t.audience, new.organization, 0, 1, ecotone_insight_reply_seconds(t.opened_at, new.first_at));
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger insight_thread_answers_daily_update after update on insight_thread_answers
    for each row when (old.first_at is distinct from new.first_at or old.organization is distinct from new.organization)
    execute function ecotone_insight_thread_answer_row()`.execute(db);

  await sql`
    create or replace function ecotone_insight_thread_reply(r posts) returns void language plpgsql as $$
    declare th insight_threads%rowtype; org text;
    begin
      select * into th from insight_threads where thread_uri = r.thread_uri;
      if not found or r.author_id = th.author_id or r.author_id = th.group_id then return; end if;
      select a.domain into org from actors a where a.id = r.author_id;
      if org is null then return; end if;
      insert into insight_thread_answers (thread_uri, organization, first_at) values (r.thread_uri, org, r.published_at)
      on conflict (thread_uri, organization) do update set first_at = excluded.first_at
      where excluded.first_at < insight_thread_answers.first_at;
      update insight_threads set first_reply_at = r.published_at, first_reply_organization = org
      where thread_uri = r.thread_uri and (first_reply_at is null or r.published_at < first_reply_at
        or (r.published_at = first_reply_at and org < first_reply_organization));
    end $$`.execute(db);

  // 0080's post trigger, with the in-place update for a new reply.
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
            -- Replies that came before their root are counted now.
            perform ecotone_insight_thread_refresh(new.thread_uri);
          else
            perform ecotone_insight_thread_reply(new);
          end if;
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
}
