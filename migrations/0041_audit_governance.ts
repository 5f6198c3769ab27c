// The audit log of admin and moderator actions, and employees' joins of
// groups elsewhere held for an admin's approval (the partner's join rule).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("actor_handle", "text", (c) => c.notNull())
    .addColumn("instance", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text")
    .addColumn("group_id", "text")
    .addColumn("details", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("audit_log_created_idx").on("audit_log").column("created_at").execute();
  await db.schema.createIndex("audit_log_group_idx").on("audit_log").column("group_id").execute();

  await db.schema
    .createTable("join_approvals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("member_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('pending', 'approved', 'denied')`))
    .addColumn("decided_by", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("decided_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("join_approvals_pending_idx")
    .on("join_approvals")
    .columns(["member_id", "group_id"])
    .unique()
    .where(sql.ref("state"), "=", "pending")
    .execute();
}
