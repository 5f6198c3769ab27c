// Issue 14: the idea board is read a page at a time (ADR 0116). An idea keeps
// what the board sorts by in its own row, kept exact by triggers in the same
// transaction as the write that changes it, whichever door it came through:
// - `likes.counted`: this vote counts (its voter is an accepted member of the
//   idea's group; for a group hosted elsewhere the service also marks the votes
//   of people its home lists, ADR 0116);
// - `ideas.votes`: how many counted votes;
// - `ideas.rising`: log2 of the sum of 2^(t / 72 h) over the counted votes' times
//   t. The momentum at any time `now` is 2^(rising - now / 72 h), so ranking by
//   momentum is ranking by `rising`, which does not change with the clock
//   (HALF_LIFE_HOURS in src/domain/idea.rules.ts is the 72 h). 0 with no votes.
// A vote stops counting when its voter leaves (the follows trigger), and counts
// again if they rejoin.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table likes add column counted boolean not null default false`.execute(db);
  await sql`alter table ideas add column votes integer not null default 0`.execute(db);
  await sql`alter table ideas add column rising double precision not null default 0`.execute(db);

  // The stored score of one idea, from its counted votes (log-sum-exp, so the
  // sum of powers of two never overflows).
  await sql`
    create or replace function ecotone_idea_score(idea text) returns void language plpgsql as $$
    begin
      update ideas i set votes = s.n, rising = coalesce(s.r, 0)
      from (
        select count(*)::int as n, max(v.e) + ln(sum(power(2::float8, v.e - v.mx))) / ln(2::float8) as r
        from (
          select extract(epoch from l.created_at)::float8 / 259200 as e,
                 max(extract(epoch from l.created_at)::float8 / 259200) over () as mx
          from likes l where l.post_id = idea and l.counted
        ) v
      ) s
      where i.post_id = idea;
    end $$`.execute(db);

  // Existing votes: members' votes count; scores from them.
  await sql`
    update likes l set counted = true from ideas i
    where i.post_id = l.post_id
      and exists (select 1 from follows f where f.follower_id = l.actor_id and f.followee_id = i.group_id and f.state = 'accepted')`.execute(db);
  await sql`select ecotone_idea_score(post_id) from ideas`.execute(db);

  // A new vote counts when its voter is a member now.
  await sql`
    create or replace function ecotone_like_counted() returns trigger language plpgsql as $$
    declare
      grp text;
    begin
      select group_id into grp from ideas where post_id = new.post_id;
      if grp is not null then
        new.counted := exists (select 1 from follows f where f.follower_id = new.actor_id and f.followee_id = grp and f.state = 'accepted');
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger likes_counted before insert on likes for each row execute function ecotone_like_counted()`.execute(db);

  // Only idea votes are ever counted, so other likes cost one comparison.
  await sql`
    create or replace function ecotone_like_score() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.counted then perform ecotone_idea_score(old.post_id); end if;
      elsif tg_op = 'INSERT' then
        if new.counted then perform ecotone_idea_score(new.post_id); end if;
      elsif new.counted is distinct from old.counted then
        perform ecotone_idea_score(new.post_id);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger likes_idea_score after insert or delete or update of counted on likes
    for each row execute function ecotone_like_score()`.execute(db);

  // Joining, leaving, being removed or banned: that person's votes on the
  // group's ideas follow (the likes trigger above then rescores each idea).
  await sql`
    create or replace function ecotone_follow_votes() returns trigger language plpgsql as $$
    declare
      member text;
      grp text;
      now_member boolean;
    begin
      if tg_op = 'DELETE' then
        member := old.follower_id; grp := old.followee_id; now_member := false;
      else
        member := new.follower_id; grp := new.followee_id; now_member := new.state = 'accepted';
      end if;
      update likes l set counted = now_member
      where l.actor_id = member and l.counted <> now_member
        and l.post_id in (select i.post_id from ideas i where i.group_id = grp);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger follows_idea_votes after insert or update of state or delete on follows
    for each row execute function ecotone_follow_votes()`.execute(db);

  // The board's two orders, each a keyset on (score, id).
  await sql`create index ideas_group_votes_idx on ideas (group_id, votes desc, post_id desc)`.execute(db);
  await sql`create index ideas_group_rising_idx on ideas (group_id, rising desc, post_id desc)`.execute(db);
}
