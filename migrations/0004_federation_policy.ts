// Instance federation policy: the mode (open or allowlist) lives in
// instance_settings; this table lists partner (allow) and blocked hosts.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("instance_policies")
    .addColumn("host", "text", (c) => c.primaryKey())
    .addColumn("policy", "text", (c) => c.notNull().check(sql`policy in ('allow', 'block')`))
    .addColumn("note", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
