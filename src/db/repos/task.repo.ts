// Tasks, their assignees and each group's board statuses.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, TaskRow } from "../schema.ts";
import type { TaskStatusDef } from "../../domain/task.rules.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** A task as the services write it: the row as read, its lists not yet JSON, its timestamps optional. */
export type NewTaskRow = Omit<TaskRow, "created_at" | "updated_at"> & { created_at?: Date; updated_at?: Date };

function toColumns(row: Partial<NewTaskRow>) {
  const { labels, depends_on, history, ...rest } = row;
  return {
    ...rest,
    ...(labels ? { labels: JSON.stringify(labels) } : {}),
    ...(depends_on ? { depends_on: JSON.stringify(depends_on) } : {}),
    ...(history ? { history: JSON.stringify(history) } : {}),
  };
}

export async function insertTask(db: Db, row: NewTaskRow): Promise<void> {
  await db
    .insertInto("tasks")
    .values(toColumns(row) as never)
    .execute();
}

export async function updateTaskRow(db: Db, id: string, changes: Partial<NewTaskRow>): Promise<void> {
  await db
    .updateTable("tasks")
    .set(toColumns(changes) as never)
    .where("id", "=", id)
    .execute();
}

export async function deleteTaskRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("tasks").where("id", "=", id).execute();
}

export async function findTaskById(db: Db, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findTaskByUri(db: Db, uri: string): Promise<TaskRow | undefined> {
  return db.selectFrom("tasks").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export async function findTaskByOffer(db: Db, offerUri: string): Promise<TaskRow | undefined> {
  return db.selectFrom("tasks").selectAll().where("offer_uri", "=", offerUri).executeTakeFirst();
}

/** Locks the task row for the rest of the transaction: concurrent changes queue up here. */
export async function lockTask(db: Transaction<Database>, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom("tasks").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function listAssignees(db: Db, taskIds: string[]) {
  if (taskIds.length === 0) return [];
  return db
    .selectFrom("task_assignees")
    .innerJoin("actors", "actors.id", "task_assignees.actor_id")
    .select([
      "task_assignees.task_id",
      "task_assignees.actor_id",
      "task_assignees.state",
      "task_assignees.assign_activity_uri",
      "task_assignees.assigned_by_uri",
      "actors.uri",
    ])
    .where("task_assignees.task_id", "in", taskIds)
    .orderBy("task_assignees.created_at")
    .execute();
}

export async function upsertAssignee(
  db: Db,
  row: { taskId: string; actorId: string; state: "pending" | "accepted"; assignActivityUri: string | null; assignedByUri: string | null },
): Promise<void> {
  await db
    .insertInto("task_assignees")
    .values({
      task_id: row.taskId,
      actor_id: row.actorId,
      state: row.state,
      assign_activity_uri: row.assignActivityUri,
      assigned_by_uri: row.assignedByUri,
    })
    .onConflict((oc) =>
      oc.columns(["task_id", "actor_id"]).doUpdateSet({
        state: row.state,
        assign_activity_uri: row.assignActivityUri,
        assigned_by_uri: row.assignedByUri,
      }),
    )
    .execute();
}

export async function deleteAssignee(db: Db, taskId: string, actorId: string): Promise<void> {
  await db.deleteFrom("task_assignees").where("task_id", "=", taskId).where("actor_id", "=", actorId).execute();
}

export async function deleteAssigneesExcept(db: Db, taskId: string, keepActorIds: string[]): Promise<void> {
  let query = db.deleteFrom("task_assignees").where("task_id", "=", taskId);
  if (keepActorIds.length > 0) query = query.where("actor_id", "not in", keepActorIds);
  await query.execute();
}

export async function findBoardStatuses(db: Db, groupId: string): Promise<TaskStatusDef[] | undefined> {
  const row = await db.selectFrom("task_boards").select("statuses").where("group_id", "=", groupId).executeTakeFirst();
  return row?.statuses;
}

export async function saveBoardStatuses(db: Db, groupId: string, statuses: TaskStatusDef[]): Promise<void> {
  const json = JSON.stringify(statuses);
  await db
    .insertInto("task_boards")
    .values({ group_id: groupId, statuses: json })
    .onConflict((oc) => oc.column("group_id").doUpdateSet({ statuses: json, updated_at: new Date() }))
    .execute();
}

export interface TaskFilter {
  status?: string | undefined;
  /** Only tasks due on or before this day. */
  dueBefore?: string | undefined;
  /** Only open tasks whose due day has passed. */
  overdueOn?: string | undefined;
}

function applyFilter<Q extends { where: (...args: never[]) => Q }>(query: Q, filter: TaskFilter): Q {
  let q = query as unknown as { where: (a: string, op: string, b: unknown) => typeof q };
  if (filter.status) q = q.where("tasks.status", "=", filter.status);
  if (filter.dueBefore) q = q.where("tasks.due_date", "<=", filter.dueBefore);
  if (filter.overdueOn) q = q.where("tasks.due_date", "<", filter.overdueOn).where("tasks.closed", "=", false);
  return q as unknown as Q;
}

export async function listGroupTasks(db: Db, groupId: string, filter: TaskFilter): Promise<TaskRow[]> {
  const query = db.selectFrom("tasks").selectAll("tasks").where("tasks.group_id", "=", groupId);
  return applyFilter(query, filter).orderBy("tasks.created_at", "desc").limit(500).execute();
}

/** Tasks assigned to someone (consent given or pending), in every group this instance knows. */
export async function listAssignedTasks(db: Db, actorId: string, filter: TaskFilter): Promise<TaskRow[]> {
  const query = db
    .selectFrom("tasks")
    .innerJoin("task_assignees", "task_assignees.task_id", "tasks.id")
    .selectAll("tasks")
    .where("task_assignees.actor_id", "=", actorId);
  return applyFilter(query, filter)
    .orderBy(sql`tasks.due_date is null`)
    .orderBy("tasks.due_date")
    .orderBy("tasks.created_at", "desc")
    .limit(500)
    .execute();
}

/**
 * Where a page of my tasks continues: after a task of that due day (none:
 * no due day) and id. My tasks run soonest due first, undated ones last, and
 * newest first within a day (ids grow with time).
 */
export interface AssignedTaskKey {
  due: string | null;
  id: string;
}

/** One page of tasks assigned to someone, after `after`, at most `limit` (a page and one more, ADR 0056). */
export async function listAssignedTasksAfter(
  db: Db,
  actorId: string,
  filter: TaskFilter,
  after: AssignedTaskKey | undefined,
  limit: number,
): Promise<TaskRow[]> {
  let query = db
    .selectFrom("tasks")
    .innerJoin("task_assignees", "task_assignees.task_id", "tasks.id")
    .selectAll("tasks")
    .where("task_assignees.actor_id", "=", actorId);
  if (after) {
    const { due, id } = after;
    query =
      due === null
        ? query.where("tasks.due_date", "is", null).where("tasks.id", "<", id)
        : query.where((eb) =>
            eb.or([eb("tasks.due_date", ">", due), eb("tasks.due_date", "is", null), eb.and([eb("tasks.due_date", "=", due), eb("tasks.id", "<", id)])]),
          );
  }
  return applyFilter(query, filter)
    .orderBy(sql`tasks.due_date is null`)
    .orderBy("tasks.due_date")
    .orderBy("tasks.id", "desc")
    .limit(limit)
    .execute();
}

/** One column of a group's board: tasks of one status, newest first, before the id `before`, at most `limit`. */
export async function listBoardColumn(db: Db, groupId: string, status: string, before: string | undefined, limit: number): Promise<TaskRow[]> {
  let query = db.selectFrom("tasks").selectAll("tasks").where("tasks.group_id", "=", groupId).where("tasks.status", "=", status);
  if (before !== undefined) query = query.where("tasks.id", "<", before);
  return query.orderBy("tasks.id", "desc").limit(limit).execute();
}

/** How many tasks each status of a group's board holds (statuses a copy was never told of included). */
export async function countBoardColumns(db: Db, groupId: string): Promise<Array<{ status: string; status_label: string; closed: boolean; count: number }>> {
  const rows = await db
    .selectFrom("tasks")
    .select([
      "status",
      (eb) => eb.fn.max("status_label").as("status_label"),
      (eb) => eb.fn.max(sql<number>`closed::int`).as("closed"),
      (eb) => eb.fn.countAll().as("count"),
    ])
    .where("group_id", "=", groupId)
    .groupBy("status")
    .execute();
  return rows.map((r) => ({ status: r.status, status_label: String(r.status_label), closed: Number(r.closed) === 1, count: Number(r.count) }));
}
