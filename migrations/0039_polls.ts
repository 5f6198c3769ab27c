// Polls (Mastodon's, federated as a `Question`): one per post, its options in
// order, and the votes — one row per voter and chosen option, so a vote is
// counted once per actor whatever the number of deliveries.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("polls")
    .addColumn("post_id", "text", (c) => c.primaryKey().references("posts.id").onDelete("cascade"))
    .addColumn("options", "jsonb", (c) => c.notNull())
    .addColumn("multiple", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("hide_totals", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("expires_at", "timestamptz")
    .addColumn("closed_at", "timestamptz")
    // A poll from another server: its counts as that server last sent them.
    .addColumn("remote_counts", "jsonb")
    .addColumn("remote_voters", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index polls_open_expiry_idx on polls (expires_at) where closed_at is null and expires_at is not null`.execute(db);
  await db.schema
    .createTable("poll_votes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("polls.post_id").onDelete("cascade"))
    .addColumn("voter_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("choice", "integer", (c) => c.notNull())
    .addColumn("activity_uri", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("poll_votes_once_uq", ["post_id", "voter_id", "choice"])
    .execute();
}
