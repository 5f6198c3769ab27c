// Issue 15: reputation levels as a group's home states them (docs/federation.md,
// "Reputation levels"; ADR 0085). One table serves both sides: for a group we
// host, the levels we last published in its actor document; for a group
// elsewhere, the levels its home's own document stated. `group_level_marks`
// says when a local group's levels were last computed (the publisher runs at
// most once per interval per group) and when a home last stated levels at all
// (a home that never did leaves this instance's own computation in place).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("group_levels")
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    // By URI: a home may state the level of a member this instance has not fetched yet.
    .addColumn("member_uri", "text", (c) => c.notNull())
    .addColumn("level", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_levels_pkey", ["group_id", "member_uri"])
    .execute();
  await db.schema
    .createTable("group_level_marks")
    .addColumn("group_id", "text", (c) => c.primaryKey().references("actors.id").onDelete("cascade"))
    .addColumn("checked_at", "timestamptz")
    .addColumn("stated_at", "timestamptz")
    .execute();
  await sql`create index group_level_marks_checked_idx on group_level_marks (checked_at)`.execute(db);
}
