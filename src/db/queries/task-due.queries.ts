// The due check's reads and its one write: open tasks that have come due for
// a local assignee who was not yet told (for this due date), and the notice
// that they were.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface DueCandidate {
  task_id: string;
  group_id: string;
  due_date: string;
  actor_id: string;
  /** The person's digest time zone, when they chose one. */
  time_zone: string | null;
  /** The task's thread (its note), which the notification points at. */
  note_post_id: string | null;
}

/** Tasks due between `fromDate` and `untilDate` (YYYY-MM-DD) with a local assignee not yet told, oldest due first. */
export async function dueCandidates(db: Db, fromDate: string, untilDate: string, limit: number): Promise<DueCandidate[]> {
  return db
    .selectFrom("tasks as t")
    .innerJoin("task_assignees as a", "a.task_id", "t.id")
    .innerJoin("actors as p", "p.id", "a.actor_id")
    .leftJoin("digest_settings as d", "d.actor_id", "a.actor_id")
    .leftJoin("posts as n", "n.uri", "t.note_uri")
    .select(["t.id as task_id", "t.group_id", "a.actor_id", "d.time_zone", "n.id as note_post_id"])
    .select((eb) => eb.fn.coalesce("t.due_date", eb.val("")).as("due_date"))
    .where("t.closed", "=", false)
    .where("t.due_date", "is not", null)
    .where("t.due_date", ">=", fromDate)
    .where("t.due_date", "<=", untilDate)
    .where("a.state", "=", "accepted")
    .where("p.is_local", "=", true)
    .where("p.type", "=", "Person")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("task_due_notices as s")
            .select("s.task_id")
            .whereRef("s.task_id", "=", "t.id")
            .whereRef("s.actor_id", "=", "a.actor_id")
            .whereRef("s.due_date", "=", "t.due_date"),
        ),
      ),
    )
    .orderBy("t.due_date")
    .orderBy("t.id")
    .limit(limit)
    .execute() as Promise<DueCandidate[]>;
}

/** True when this call recorded the notice (a racing worker gets false). */
export async function recordDueNotice(db: Db, n: { taskId: string; actorId: string; dueDate: string }): Promise<boolean> {
  const inserted = await db
    .insertInto("task_due_notices")
    .values({ task_id: n.taskId, actor_id: n.actorId, due_date: n.dueDate })
    .onConflict((oc) => oc.doNothing())
    .returning("task_id")
    .executeTakeFirst();
  return inserted !== undefined;
}
