// A member's change to a task whose group lives on another instance waits
// here until the home answers (issue 19, ADR 0007): the member's request is
// answered at once with the pending change, the outbox sends it, and the
// home's Accept (with the Ticket) or Reject (with the reason) settles it.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("task_changes")
    .addColumn("id", "text", (c) => c.primaryKey())
    // The id of the activity that carries the change: the home's answer names it.
    .addColumn("activity_uri", "text", (c) => c.notNull().unique())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    // Null for a new task until the home accepts it.
    .addColumn("task_uri", "text")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("command", "jsonb", (c) => c.notNull())
    // pending | accepted | refused
    .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("refusal_code", "text")
    .addColumn("refusal_message", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("settled_at", "timestamptz")
    .execute();
  await sql`create index task_changes_actor_idx on task_changes (actor_id, created_at desc)`.execute(db);
  await sql`create index task_changes_task_idx on task_changes (task_uri, created_at desc) where task_uri is not null`.execute(db);
}
