// Posts, their edit history, likes, mentions, tags and tombstones.
import { sql, type Insertable, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database, PostRow, PostsTable } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Inserts a post unless one with the same URI exists; returns the row either way. */
export async function insertPost(db: Db, post: Insertable<PostsTable>): Promise<{ row: PostRow; created: boolean }> {
  const inserted = await db
    .insertInto("posts")
    .values(post)
    .onConflict((oc) => oc.column("uri").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  return { row: (await findPostByUri(db, post.uri))!, created: false };
}

export async function findPostByUri(db: Db, uri: string): Promise<PostRow | undefined> {
  return db.selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export async function findPostById(db: Db, id: string): Promise<PostRow | undefined> {
  return db.selectFrom("posts").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updatePostContent(
  db: Db,
  post: PostRow,
  changes: { title: string | null; contentHtml: string; sourceText: string | null; summary: string | null; editedAt: Date },
): Promise<void> {
  // Keep the previous version in the history before overwriting it.
  await db
    .insertInto("post_edits")
    .values({ id: newId(), post_id: post.id, title: post.title, content_html: post.content_html, edited_at: post.edited_at ?? post.published_at })
    .execute();
  await db
    .updateTable("posts")
    .set({
      title: changes.title,
      content_html: changes.contentHtml,
      source_text: changes.sourceText,
      summary: changes.summary,
      edited_at: changes.editedAt,
    })
    .where("id", "=", post.id)
    .execute();
}

export async function setPostLocked(db: Db, id: string, locked: boolean): Promise<void> {
  await db.updateTable("posts").set({ locked }).where("id", "=", id).execute();
}

export async function deletePostRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("posts").where("id", "=", id).execute();
}

/** A tombstone; for a post we held, with who could see it. */
export async function insertTombstone(db: Db, uri: string, post: Pick<PostRow, "id" | "author_id" | "group_id" | "visibility"> | null = null): Promise<void> {
  await db
    .insertInto("tombstones")
    .values({ uri, post_id: post?.id ?? null, author_id: post?.author_id ?? null, group_id: post?.group_id ?? null, visibility: post?.visibility ?? null })
    .onConflict((oc) => oc.column("uri").doNothing())
    .execute();
}

/** Local ids of posts deleted since a moment (for streaming clients). */
export async function deletedPostIdsSince(
  db: Db,
  since: Date,
): Promise<Array<{ postId: string; deletedAt: Date; authorId: string | null; groupId: string | null; visibility: PostRow["visibility"] | null }>> {
  const rows = await db
    .selectFrom("tombstones")
    .select(["post_id", "deleted_at", "author_id", "group_id", "visibility"])
    .where("deleted_at", ">", since)
    .where("post_id", "is not", null)
    .orderBy("deleted_at")
    .execute();
  return rows.map((r) => ({ postId: r.post_id!, deletedAt: r.deleted_at, authorId: r.author_id, groupId: r.group_id, visibility: r.visibility }));
}

export async function isTombstoned(db: Db, uri: string): Promise<boolean> {
  return (await db.selectFrom("tombstones").select("uri").where("uri", "=", uri).executeTakeFirst()) !== undefined;
}

export async function insertPostTags(db: Db, postId: string, tags: string[]): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto("post_tags")
    .values(tags.map((tag) => ({ post_id: postId, tag })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function postMentionUris(db: Db, postId: string): Promise<string[]> {
  return (await db.selectFrom("post_mentions").select("actor_uri").where("post_id", "=", postId).execute()).map((r) => r.actor_uri);
}

export async function insertPostMentions(db: Db, postId: string, actorUris: string[]): Promise<void> {
  if (actorUris.length === 0) return;
  await db
    .insertInto("post_mentions")
    .values(actorUris.map((actor_uri) => ({ post_id: postId, actor_uri })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** False when the like exists, or was withdrawn before it arrived (a tombstone under its activity's id). */
export async function insertLike(db: Db, like: { postId: string; actorId: string; activityUri: string }): Promise<boolean> {
  const row = await db
    .insertInto("likes")
    .columns(["post_id", "actor_id", "activity_uri"])
    .expression(
      db
        .selectNoFrom([
          sql<string>`${like.postId}::text`.as("post_id"),
          sql<string>`${like.actorId}::text`.as("actor_id"),
          sql<string>`${like.activityUri}::text`.as("activity_uri"),
        ])
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom("tombstones").select("uri").where("uri", "=", like.activityUri)))),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("post_id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function findLike(db: Db, postId: string, actorId: string) {
  return db.selectFrom("likes").selectAll().where("post_id", "=", postId).where("actor_id", "=", actorId).executeTakeFirst();
}

export async function findLikeByActivityUri(db: Db, uri: string) {
  return db.selectFrom("likes").selectAll().where("activity_uri", "=", uri).executeTakeFirst();
}

export async function deleteLike(db: Db, postId: string, actorId: string): Promise<void> {
  await db.deleteFrom("likes").where("post_id", "=", postId).where("actor_id", "=", actorId).execute();
}

/** Drops a like this actor holds under `activityUri` on a post other than `postId`. */
export async function deleteLikeClaimedElsewhere(db: Db, activityUri: string, actorId: string, postId: string): Promise<void> {
  await db.deleteFrom("likes").where("activity_uri", "=", activityUri).where("actor_id", "=", actorId).where("post_id", "<>", postId).execute();
}

export async function insertShare(db: Db, share: { id: string; postId: string; groupId: string; sharerId: string; activityUri: string }): Promise<boolean> {
  const row = await db
    .insertInto("post_shares")
    .values({ id: share.id, post_id: share.postId, group_id: share.groupId, sharer_id: share.sharerId, activity_uri: share.activityUri })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertReblog(db: Db, reblog: { id: string; postId: string; actorId: string; activityUri: string }): Promise<boolean> {
  const row = await db
    .insertInto("reblogs")
    .values({ id: reblog.id, post_id: reblog.postId, actor_id: reblog.actorId, activity_uri: reblog.activityUri })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function findReblog(db: Db, postId: string, actorId: string) {
  return db.selectFrom("reblogs").selectAll().where("post_id", "=", postId).where("actor_id", "=", actorId).executeTakeFirst();
}

export async function findReblogByActivityUri(db: Db, uri: string) {
  return db.selectFrom("reblogs").selectAll().where("activity_uri", "=", uri).executeTakeFirst();
}

export async function deleteReblog(db: Db, id: string): Promise<void> {
  await db.deleteFrom("reblogs").where("id", "=", id).execute();
}
