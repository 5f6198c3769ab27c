// Which assignee was told that which task is due, for which due date: the due
// check reads and writes this in one transaction, so a restart, a second
// worker process or a re-run never tells anyone twice, and moving the due date
// arms the check again.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("task_due_notices")
    .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("due_date", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("task_due_notices_pk", ["task_id", "actor_id", "due_date"])
    .execute();
}
