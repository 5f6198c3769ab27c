// Issue 15, speed: an idea keeps the time it was proposed (its post's
// published_at) in its own row, so the idea figures of a period select ideas
// by an index on that time instead of looking up every idea's post. At 1M
// posts the instance's idea figures looked up ~6,700 posts three times per
// request (181 ms of the instance's 226 ms at p50 on PostgreSQL,
// docs/insights.md "Speed"). Set by a trigger from the post, whichever door
// the idea came through, and filled in for existing ideas.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ideas add column proposed_at timestamptz`.execute(db);
  await sql`update ideas i set proposed_at = p.published_at from posts p where p.id = i.post_id`.execute(db);
  await sql`
    create or replace function ecotone_idea_proposed_at() returns trigger language plpgsql as $$
    begin
      if new.proposed_at is null then
        select p.published_at into new.proposed_at from posts p where p.id = new.post_id;
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger ideas_proposed_at before insert on ideas for each row execute function ecotone_idea_proposed_at()`.execute(db);
  await sql`create index ideas_group_proposed_idx on ideas (group_id, proposed_at)`.execute(db);
  await sql`create index ideas_proposed_idx on ideas (proposed_at)`.execute(db);
}
