// What a digest lists: the busiest threads of some groups since a date, the
// ideas answered there, and the open tasks assigned to a person due soon.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";

export async function busiestThreads(db: Kysely<Database>, groupIds: string[], since: Date, limit: number) {
  if (groupIds.length === 0) return [];
  const rows = await sql<{
    id: string;
    visibility: "public" | "members_only";
    author_id: string;
    group_id: string | null;
    title: string | null;
    content_html: string;
    replies: string;
  }>`
    select p.id, p.visibility, p.author_id, p.group_id, p.title, p.content_html,
      (select count(*) from posts r where r.thread_uri = p.uri and r.group_id = p.group_id and r.id <> p.id and r.created_at > ${since}) as replies
    from posts p
    where p.group_id in (${sql.join(groupIds)}) and p.in_reply_to_uri is null
      and (p.created_at > ${since} or exists (select 1 from posts r where r.thread_uri = p.uri and r.group_id = p.group_id and r.created_at > ${since}))
    order by replies desc, p.id desc
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ ...r, replies: Number(r.replies) }));
}

export async function ideasAnsweredIn(db: Kysely<Database>, groupIds: string[], since: Date, limit: number) {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom("idea_status_history as h")
    .innerJoin("ideas as i", "i.post_id", "h.post_id")
    .innerJoin("posts as p", "p.id", "h.post_id")
    .select(["p.id", "p.visibility", "p.author_id", "p.group_id", "p.title", "p.content_html", "h.status", "h.reason"])
    .where("i.group_id", "in", groupIds)
    .where("h.created_at", ">", since)
    .orderBy("h.id", "desc")
    .limit(limit)
    .execute();
}

export async function tasksDueFor(db: Kysely<Database>, actorId: string, untilDate: string, limit: number) {
  return db
    .selectFrom("tasks as t")
    .innerJoin("task_assignees as a", "a.task_id", "t.id")
    .select(["t.id", "t.title", "t.due_date", "t.group_id"])
    .where("a.actor_id", "=", actorId)
    .where("t.closed", "=", false)
    .where("t.due_date", "is not", null)
    .where("t.due_date", "<=", untilDate)
    .orderBy("t.due_date")
    .limit(limit)
    .execute();
}
