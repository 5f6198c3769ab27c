// Groups (FEP-1b12) and posts. Membership reuses the follows table (a member
// follows the group); roles, bans and invitations live beside it.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("groups")
    .addColumn("actor_id", "text", (c) => c.primaryKey().references("actors.id").onDelete("cascade"))
    .addColumn("visibility", "text", (c) => c.notNull().check(sql`visibility in ('public', 'members_only', 'secret')`))
    .addColumn("join_policy", "text", (c) => c.notNull().check(sql`join_policy in ('open', 'approval', 'invite')`))
    .addColumn("created_by", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("group_roles")
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("member_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'moderator')`))
    .addPrimaryKeyConstraint("group_roles_pk", ["group_id", "member_id"])
    .execute();

  await db.schema
    .createTable("group_bans")
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("member_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("group_bans_pk", ["group_id", "member_id"])
    .execute();

  await db.schema
    .createTable("group_invites")
    .addColumn("group_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("invitee_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("invited_by", "text", (c) => c.references("actors.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("group_invites_pk", ["group_id", "invitee_id"])
    .execute();

  await db.schema
    .createTable("posts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("author_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("group_id", "text", (c) => c.references("actors.id").onDelete("cascade"))
    .addColumn("in_reply_to_uri", "text")
    .addColumn("thread_uri", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("content_html", "text", (c) => c.notNull())
    .addColumn("source_text", "text")
    .addColumn("summary", "text")
    .addColumn("sensitive", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("language", "text")
    .addColumn("url", "text")
    .addColumn("visibility", "text", (c) => c.notNull().check(sql`visibility in ('public', 'members_only')`))
    .addColumn("is_local", "boolean", (c) => c.notNull())
    .addColumn("locked", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("published_at", "timestamptz", (c) => c.notNull())
    .addColumn("edited_at", "timestamptz")
    .addColumn("raw", "jsonb")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index posts_group_idx on posts (group_id, id desc)`.execute(db);
  await sql`create index posts_thread_idx on posts (thread_uri, id)`.execute(db);
  await sql`create index posts_reply_idx on posts (in_reply_to_uri)`.execute(db);
  await sql`create index posts_author_idx on posts (author_id, id desc)`.execute(db);

  await db.schema
    .createTable("post_edits")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("title", "text")
    .addColumn("content_html", "text", (c) => c.notNull())
    .addColumn("edited_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index post_edits_post_idx on post_edits (post_id, edited_at)`.execute(db);

  await db.schema
    .createTable("likes")
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("actor_id", "text", (c) => c.notNull().references("actors.id").onDelete("cascade"))
    .addColumn("activity_uri", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("likes_pk", ["post_id", "actor_id"])
    .execute();

  await db.schema
    .createTable("post_mentions")
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("actor_uri", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("post_mentions_pk", ["post_id", "actor_uri"])
    .execute();

  await db.schema
    .createTable("post_tags")
    .addColumn("post_id", "text", (c) => c.notNull().references("posts.id").onDelete("cascade"))
    .addColumn("tag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("post_tags_pk", ["post_id", "tag"])
    .execute();
  await sql`create index post_tags_tag_idx on post_tags (tag)`.execute(db);

  // A Delete that arrives before its Create leaves a tombstone that wins.
  await db.schema
    .createTable("tombstones")
    .addColumn("uri", "text", (c) => c.primaryKey())
    .addColumn("deleted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
