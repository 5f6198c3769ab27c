// Shared task boards. The group's home instance holds the truth for its
// tasks; other instances keep a copy (is_home = false) refreshed from the
// home's versioned Ticket snapshots. History travels with the snapshot, so it
// is kept as one JSON list per task.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("task_boards")
    .addColumn("group_id", "text", (c) => c.primaryKey().references("actors.id").onDelete("cascade"))
    .addColumn("statuses", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("tasks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("author_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("is_home", "boolean", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description_html", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description_source", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_label", "text", (c) => c.notNull())
    .addColumn("closed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("priority", "text", (c) => c.notNull().defaultTo("normal"))
    .addColumn("due_date", "text")
    .addColumn("labels", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("depends_on", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("history", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("note_uri", "text")
    .addColumn("resolved_at", "timestamptz")
    .addColumn("resolved_by_uri", "text")
    .addColumn("offer_uri", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index tasks_group_idx on tasks (group_id, updated_at desc)`.execute(db);
  await sql`create unique index tasks_offer_idx on tasks (offer_uri) where offer_uri is not null`.execute(db);

  await db.schema
    .createTable("task_assignees")
    .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    // pending: waiting for the person's consent (assigned from another company)
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("assign_activity_uri", "text")
    .addColumn("assigned_by_uri", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("task_assignees_pk", ["task_id", "actor_id"])
    .execute();
  await sql`create index task_assignees_actor_idx on task_assignees (actor_id)`.execute(db);
}
