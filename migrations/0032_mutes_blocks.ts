// What an account keeps out of its sight: muted accounts (optionally their
// notifications too, optionally for a while), blocked accounts, and whole
// domains it blocks for itself.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("account_mutes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("target_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("hide_notifications", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("account_mutes_once_uq", ["actor_id", "target_id"])
    .execute();
  await db.schema
    .createTable("account_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("target_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("account_blocks_once_uq", ["actor_id", "target_id"])
    .execute();
  await sql`create index account_blocks_target_idx on account_blocks (target_id)`.execute(db);
  await db.schema
    .createTable("account_domain_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("account_domain_blocks_once_uq", ["actor_id", "domain"])
    .execute();
}
