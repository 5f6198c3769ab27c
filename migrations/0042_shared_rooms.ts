// Shared rooms: a group of ours restricted to listed organizations (each
// invited at the organization level and accepted by its admin), and, on the
// invited side, the invitations our admin answers.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("room_organizations")
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('invited', 'accepted', 'declined', 'left')`))
    .addColumn("invite_uri", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("room_organizations_pk", ["group_id", "domain"])
    .execute();

  await db.schema
    .createTable("room_invitations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("invite_uri", "text", (c) => c.notNull().unique())
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('pending', 'accepted', 'declined', 'left')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
