// The facts a group's signal scores are made of (src/domain/signal.rules.ts):
// its recent threads, who engaged with each (replies, likes, votes), and each
// proposer's record of ideas taken up. Bounded by group, window and a limit.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface SignalThreadRow {
  id: string;
  uri: string;
  author_id: string;
  title: string | null;
  content_html: string;
  published_at: Date;
  organization: string;
  audience: string;
  first_reply_at: Date | null;
  idea_status: string | null;
}

export async function recentThreads(db: Db, groupId: string, since: Date, limit = 300): Promise<SignalThreadRow[]> {
  const r = await sql<SignalThreadRow>`
    select p.id, p.uri, p.author_id, p.title, p.content_html, p.published_at, t.organization, t.audience, t.first_reply_at, i.status as idea_status
    from insight_threads t join posts p on p.id = t.post_id left join ideas i on i.post_id = p.id
    where t.group_id = ${groupId} and t.opened_at >= ${since}
    order by t.opened_at desc limit ${limit}`.execute(db);
  return r.rows;
}

export interface EngagementRow {
  thread_uri: string;
  organization: string;
  audience: string;
  /** Set for likes and votes of the root post. */
  liked_at: Date | null;
}

export async function engagementIn(db: Db, groupId: string, threadUris: string[]): Promise<EngagementRow[]> {
  if (threadUris.length === 0) return [];
  const r = await sql<EngagementRow>`
    select r.thread_uri, a.domain as organization, ecotone_insight_audience(a.id, a.domain) as audience, null::timestamptz as liked_at
    from posts r join actors a on a.id = r.author_id
    -- Only replies in this group: a direct reply, or one written where the post was shared, is not its engagement.
    where r.thread_uri in (${sql.join(threadUris)}) and r.in_reply_to_uri is not null and r.group_id = ${groupId} and r.author_id <> ${groupId}
    union all
    select p.thread_uri, a.domain, ecotone_insight_audience(a.id, a.domain), l.created_at
    from posts p join likes l on l.post_id = p.id join actors a on a.id = l.actor_id
    where p.uri in (${sql.join(threadUris)})`.execute(db);
  return r.rows;
}

export async function proposerRecords(db: Db, groupId: string, authorIds: string[]): Promise<Map<string, { ideas: number; takenUp: number }>> {
  if (authorIds.length === 0) return new Map();
  const r = await sql<{ author_id: string; ideas: number; taken_up: number }>`
    select p.author_id, count(*)::int as ideas, count(*) filter (where i.status in ('planned', 'in_progress', 'done'))::int as taken_up
    from ideas i join posts p on p.id = i.post_id
    where i.group_id = ${groupId} and p.author_id in (${sql.join(authorIds)}) group by 1`.execute(db);
  return new Map(r.rows.map((row) => [row.author_id, { ideas: row.ideas, takenUp: row.taken_up }]));
}
