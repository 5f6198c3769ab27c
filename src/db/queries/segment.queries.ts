// The people a segment describes, computed when asked from actors, follows,
// partners and the insight rollups (so a segment is always current).
import { sql, type Kysely, type Transaction } from "kysely";
import type { SegmentFilter } from "../../domain/segment.rules.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface SegmentMemberRow {
  id: string;
  uri: string;
  username: string;
  domain: string;
  name: string | null;
  audience: string;
  relationship: string;
}

/** `groupId` is the resolved filter.group; `today` a YYYY-MM-DD day (UTC). */
export async function segmentMembers(db: Db, filter: SegmentFilter, groupId: string | null, today: string, limit: number): Promise<SegmentMemberRow[]> {
  const people = groupId
    ? sql`select f.follower_id as id from follows f where f.followee_id = ${groupId} and f.state = 'accepted'`
    : sql`select u.actor_id as id from users u where u.suspended_at is null
          union select f.follower_id from follows f join groups g on g.actor_id = f.followee_id
          join actors ga on ga.id = g.actor_id and ga.is_local where f.state = 'accepted'`;
  const activity = groupId ?? "*";
  const factsGroup = groupId === null ? sql`true` : sql`x.group_id = ${groupId}`;
  const conditions = [sql`a.type = 'Person'`];
  if (filter.organizations?.length) conditions.push(sql`a.domain in (${sql.join(filter.organizations)})`);
  if (filter.audiences?.length) conditions.push(sql`ecotone_insight_audience(a.id, a.domain) in (${sql.join(filter.audiences)})`);
  if (filter.relationships?.length) conditions.push(sql`rel.relationship in (${sql.join(filter.relationships)})`);
  if (filter.activeWithinDays !== undefined) {
    conditions.push(sql`exists (select 1 from insight_active x where x.group_id = ${activity} and x.actor_id = a.id
      and x.day > ${today}::date - ${filter.activeWithinDays}::int)`);
  }
  if (filter.silentForDays !== undefined) {
    conditions.push(sql`not exists (select 1 from insight_active x where x.group_id = ${activity} and x.actor_id = a.id
      and x.day > ${today}::date - ${filter.silentForDays}::int)`);
  }
  if (filter.minPosts !== undefined) {
    conditions.push(
      sql`(select count(*) from insight_facts x where x.actor_id = a.id and x.metric in ('posts', 'replies') and ${factsGroup}) >= ${filter.minPosts}`,
    );
  }
  if (filter.voted === true) conditions.push(sql`exists (select 1 from insight_facts x where x.actor_id = a.id and x.metric = 'votes' and ${factsGroup})`);
  if (filter.voted === false) conditions.push(sql`not exists (select 1 from insight_facts x where x.actor_id = a.id and x.metric = 'votes' and ${factsGroup})`);
  const r = await sql<SegmentMemberRow>`
    select a.id, a.uri, a.username, a.domain, a.name, ecotone_insight_audience(a.id, a.domain) as audience, rel.relationship
    from (${people}) people
    join actors a on a.id = people.id
    cross join lateral (select case when a.is_local then 'self'
      else coalesce((select p.relationship from partners p where p.domain = a.domain), 'none') end as relationship) rel
    where ${sql.join(conditions, sql` and `)}
    order by a.domain, a.username limit ${limit}`.execute(db);
  return r.rows;
}
