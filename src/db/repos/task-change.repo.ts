// Member changes to remote groups' tasks, waiting for the home's answer.
import type { Kysely, Transaction } from "kysely";
import type { Database, TaskChangeRow } from "../schema.ts";
import type { TaskCommand } from "../../domain/task.rules.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertTaskChange(
  db: Db,
  row: { id: string; activityUri: string; actorId: string; groupId: string; taskUri: string | null; command: TaskCommand },
): Promise<void> {
  await db
    .insertInto("task_changes")
    .values({
      id: row.id,
      activity_uri: row.activityUri,
      actor_id: row.actorId,
      group_id: row.groupId,
      task_uri: row.taskUri,
      kind: row.command.kind,
      command: JSON.stringify(row.command),
      state: "pending",
    })
    .execute();
}

export async function findTaskChange(db: Db, id: string): Promise<TaskChangeRow | undefined> {
  return db.selectFrom("task_changes").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findTaskChangeByActivity(db: Db, activityUri: string): Promise<TaskChangeRow | undefined> {
  return db.selectFrom("task_changes").selectAll().where("activity_uri", "=", activityUri).executeTakeFirst();
}

/** Settles a pending change; false when it was already settled (a repeated answer). */
export async function settleTaskChange(
  db: Db,
  id: string,
  outcome: { state: "accepted" | "refused"; taskUri?: string | null; code?: string; message?: string },
): Promise<boolean> {
  const result = await db
    .updateTable("task_changes")
    .set({
      state: outcome.state,
      settled_at: new Date(),
      ...(outcome.taskUri !== undefined ? { task_uri: outcome.taskUri } : {}),
      refusal_code: outcome.code ?? null,
      refusal_message: outcome.message?.slice(0, 1000) ?? null,
    })
    .where("id", "=", id)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Pending changes made before `createdBefore`, with the group each was sent to (oldest first, at most `limit`). */
export async function overduePendingChanges(db: Db, createdBefore: Date, limit: number): Promise<Array<{ id: string; group_uri: string }>> {
  return db
    .selectFrom("task_changes")
    .innerJoin("actors", "actors.id", "task_changes.group_id")
    .select(["task_changes.id", "actors.uri as group_uri"])
    .where("task_changes.state", "=", "pending")
    .where("task_changes.created_at", "<", createdBefore)
    .orderBy("task_changes.created_at")
    .limit(limit)
    .execute();
}

/** One person's changes to one task (or, with `taskUri` null, their new tasks in a group), newest first. */
export async function listTaskChanges(
  db: Db,
  actorId: string,
  where: { taskUri: string } | { groupId: string; newTasks: true },
  limit = 20,
): Promise<TaskChangeRow[]> {
  let query = db.selectFrom("task_changes").selectAll().where("actor_id", "=", actorId);
  query = "taskUri" in where ? query.where("task_uri", "=", where.taskUri) : query.where("group_id", "=", where.groupId).where("kind", "=", "create");
  return query.orderBy("created_at", "desc").limit(limit).execute();
}
