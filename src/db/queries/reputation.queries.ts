// The facts reputation is scored from (src/domain/reputation.rules.ts), for one
// group or for the whole instance, over a window: likes and votes received,
// accepted answers, ideas taken up, tasks completed.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Achievement, Endorsement } from "../../domain/reputation.rules.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

const inGroup = (column: string, groupId: string | null) => (groupId === null ? sql`true` : sql`${sql.ref(column)} = ${groupId}`);

export async function endorsementsIn(db: Db, groupId: string | null, since: Date): Promise<Endorsement[]> {
  const r = await sql<{ from_id: string; from_org: string; from_since: Date; to_id: string; to_org: string; at: Date; vote: boolean }>`
    select l.actor_id as from_id, fa.domain as from_org, fa.created_at as from_since,
      p.author_id as to_id, ta.domain as to_org, l.created_at as at,
      exists (select 1 from ideas i where i.post_id = p.id) as vote
    from likes l
    join posts p on p.id = l.post_id
    join actors fa on fa.id = l.actor_id
    join actors ta on ta.id = p.author_id
    where ${inGroup("p.group_id", groupId)} and p.group_id is not null and l.created_at >= ${since}
      and l.actor_id <> p.author_id and ta.type = 'Person'`.execute(db);
  return r.rows.map((row) => ({
    fromId: row.from_id,
    fromOrganization: row.from_org,
    fromSince: new Date(row.from_since),
    toId: row.to_id,
    toOrganization: row.to_org,
    at: new Date(row.at),
    kind: row.vote ? "vote" : "like",
  }));
}

export async function achievementsIn(db: Db, groupId: string | null, since: Date): Promise<Achievement[]> {
  const [answers, ideas, tasks] = await Promise.all([
    sql<{ actor_id: string; at: Date }>`
      select a.author_id as actor_id, q.accepted_at as at from questions q join posts a on a.uri = q.accepted_answer_uri
      where ${inGroup("q.group_id", groupId)} and q.accepted_at >= ${since}`.execute(db),
    sql<{ actor_id: string; at: Date; status: string }>`
      select p.author_id as actor_id, i.updated_at as at, i.status from ideas i join posts p on p.id = i.post_id
      where ${inGroup("i.group_id", groupId)} and i.status in ('planned', 'in_progress', 'done') and i.updated_at >= ${since}`.execute(db),
    sql<{ actor_id: string; at: Date }>`
      select ta.actor_id, t.resolved_at as at from tasks t join task_assignees ta on ta.task_id = t.id
      where ${inGroup("t.group_id", groupId)} and t.closed and t.resolved_at >= ${since} and ta.state = 'accepted'`.execute(db),
  ]);
  return [
    ...answers.rows.map((r) => ({ actorId: r.actor_id, at: new Date(r.at), kind: "acceptedAnswer" as const })),
    ...ideas.rows.map((r) => ({ actorId: r.actor_id, at: new Date(r.at), kind: r.status === "done" ? ("ideaDone" as const) : ("ideaPlanned" as const) })),
    ...tasks.rows.map((r) => ({ actorId: r.actor_id, at: new Date(r.at), kind: "taskDone" as const })),
  ];
}
