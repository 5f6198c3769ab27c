// Questions and answers in groups, external references on posts and tasks,
// and escalations of a thread to a task.
//
// A question is a post (its row in `posts` federates like any other); this
// table adds what Ecotone knows about it. The accepted answer is kept by URI,
// so an acceptance that arrives before the answer's own copy still holds.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("questions")
    .addColumn("post_id", "text", (c) => c.primaryKey().references("posts.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("accepted_answer_uri", "text")
    .addColumn("accepted_by_id", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("accepted_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index questions_group_idx on questions (group_id, created_at desc)`.execute(db);
  await sql`create index posts_in_reply_to_idx on posts (in_reply_to_uri) where in_reply_to_uri is not null`.execute(db);

  await db.schema
    .createTable("external_refs")
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text", (c) => c.notNull())
    .addColumn("system", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("external_refs_pk", ["object_type", "object_id"])
    .execute();
  await sql`create unique index external_refs_lookup_idx on external_refs (object_type, system, external_id)`.execute(db);

  await db.schema
    .createTable("escalations")
    .addColumn("post_id", "text", (c) => c.primaryKey().references("posts.id").onDelete("cascade"))
    .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("created_by_id", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index escalations_task_idx on escalations (task_id)`.execute(db);
}
