// Companies as first-class things: the organization behind each instance
// (ours and the ones we meet), this instance's partner labels and rules for
// them, per-person audience overrides, and the `limited` federation policy.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // One row per instance domain (host[:port]); ours has is_local = true.
  await db.schema
    .createTable("organizations")
    .addColumn("domain", "text", (c) => c.primaryKey())
    .addColumn("is_local", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("name", "text")
    .addColumn("short_name", "text")
    .addColumn("logo_url", "text")
    .addColumn("website", "text")
    .addColumn("description", "text")
    .addColumn("actor_uri", "text")
    .addColumn("fetched_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // What this instance decided about another organization.
  await db.schema
    .createTable("partners")
    .addColumn("domain", "text", (c) => c.primaryKey())
    .addColumn("relationship", "text", (c) => c.check(sql`relationship in ('customer', 'partner', 'supplier', 'affiliate', 'prospect')`))
    .addColumn("join_rule", "text", (c) =>
      c
        .notNull()
        .defaultTo("allow")
        .check(sql`join_rule in ('allow', 'approval', 'deny')`),
    )
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // An admin's override of the audience a remote person inherits from their organization.
  await db.schema
    .createTable("person_audiences")
    .addColumn("actor_id", "text", (c) => c.primaryKey().references("actors.id").onDelete("cascade"))
    .addColumn("audience", "text", (c) => c.notNull().check(sql`audience in ('employee', 'customer', 'partner', 'supplier', 'other')`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // `limited`: federates, but its people wait for a moderator to join our groups.
  await sql`alter table instance_policies drop constraint if exists instance_policies_policy_check`.execute(db);
  await sql`alter table instance_policies add constraint instance_policies_policy_check check (policy in ('allow', 'block', 'limited'))`.execute(db);
}
