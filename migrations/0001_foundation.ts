// Foundation: actors (local and remote), users, keys, follows, the inbox
// idempotence log, API tokens, instance settings, and Fedify's durable
// key-value store and message queue.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("actors")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("is_local", "boolean", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("summary", "text")
    .addColumn("url", "text")
    .addColumn("icon_url", "text")
    .addColumn("inbox_url", "text")
    .addColumn("shared_inbox_url", "text")
    .addColumn("outbox_url", "text")
    .addColumn("followers_url", "text")
    .addColumn("following_url", "text")
    .addColumn("locked", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("raw", "jsonb")
    .addColumn("fetched_at", "timestamptz")
    .addColumn("gone_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index actors_handle_idx on actors (lower(username), lower(domain), type)`.execute(db);
  await sql`create index actors_shared_inbox_idx on actors (shared_inbox_url)`.execute(db);

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor_id", "text", (c) => c.notNull().unique().references("actors.id").onDelete("cascade"))
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("email", "text")
    .addColumn("password_hash", "text")
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'moderator', 'member')`))
    .addColumn("audience", "text", (c) => c.notNull().check(sql`audience in ('employee', 'customer', 'partner', 'supplier', 'other')`))
    .addColumn("suspended_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("actor_keys")
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("algorithm", "text", (c) => c.notNull().check(sql`algorithm in ('rsa', 'ed25519')`))
    .addColumn("public_jwk", "jsonb", (c) => c.notNull())
    .addColumn("private_jwk", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("actor_keys_pk", ["actor_id", "algorithm"])
    .execute();

  await db.schema
    .createTable("follows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("follower_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("followee_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('pending', 'accepted')`))
    .addColumn("activity_uri", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("accepted_at", "timestamptz")
    .addUniqueConstraint("follows_pair_uq", ["follower_id", "followee_id"])
    .execute();
  await sql`create index follows_followee_idx on follows (followee_id, state, id)`.execute(db);
  await sql`create index follows_follower_idx on follows (follower_id, state, id)`.execute(db);

  // Every incoming activity id, recorded before the activity is applied, so a
  // retried or duplicated delivery is applied once (not only for Fedify's
  // 24-hour idempotence cache).
  await db.schema
    .createTable("inbox_activities")
    .addColumn("activity_uri", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("label", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("expires_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("instance_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Fedify's KvStore. Keys are text arrays so a prefix is an array slice.
  await db.schema
    .createTable("fedify_kv")
    .addColumn("key", sql`text[]`, (c) => c.primaryKey())
    .addColumn("value", "jsonb", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz")
    .execute();
  await sql`create index fedify_kv_expires_idx on fedify_kv (expires_at) where expires_at is not null`.execute(db);

  // Fedify's MessageQueue. A worker leases a row (locked_until) instead of
  // holding a transaction open, so a process that dies mid-message releases
  // it when the lease expires and another worker delivers it again.
  await db.schema
    .createTable("fedify_queue")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("message", "jsonb", (c) => c.notNull())
    .addColumn("ordering_key", "text")
    .addColumn("available_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("locked_by", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index fedify_queue_ready_idx on fedify_queue (queue, available_at, id)`.execute(db);
  await sql`create index fedify_queue_ordering_idx on fedify_queue (ordering_key, id) where ordering_key is not null`.execute(db);
}
