// Lists: an account's own groupings of accounts it follows, each with its
// own timeline (Mastodon's lists).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("lists")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("replies_policy", "text", (c) => c.notNull().defaultTo("list"))
    .addColumn("exclusive", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index lists_actor_idx on lists (actor_id)`.execute(db);
  await db.schema
    .createTable("list_accounts")
    .addColumn("list_id", "text", (c) => c.notNull().references("lists.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("list_accounts_pk", ["list_id", "account_id"])
    .execute();
  await sql`create index list_accounts_account_idx on list_accounts (account_id)`.execute(db);
}
