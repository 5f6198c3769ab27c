// Escalations: which thread became which task (one task per thread).
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertEscalation(db: Db, postId: string, taskId: string, byId: string): Promise<void> {
  await db.insertInto("escalations").values({ post_id: postId, task_id: taskId, created_by_id: byId }).execute();
}

export async function escalationOfPost(db: Db, postId: string) {
  return db.selectFrom("escalations").selectAll().where("post_id", "=", postId).executeTakeFirst();
}

export async function escalationOfTask(db: Db, taskId: string) {
  return db.selectFrom("escalations").selectAll().where("task_id", "=", taskId).executeTakeFirst();
}

/** Who asked in the thread a task was escalated from (kept informed of the task's status). */
export async function escalationAskerOf(db: Db, taskId: string) {
  return db
    .selectFrom("escalations")
    .innerJoin("posts", "posts.id", "escalations.post_id")
    .innerJoin("actors", "actors.id", "posts.author_id")
    .selectAll("actors")
    .where("escalations.task_id", "=", taskId)
    .executeTakeFirst();
}
