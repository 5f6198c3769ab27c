// Media attachments.
import type { Insertable, Kysely, Transaction } from "kysely";
import type { Database, MediaAttachmentsTable, MediaRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertMedia(db: Db, media: Insertable<MediaAttachmentsTable>): Promise<MediaRow> {
  return db.insertInto("media_attachments").values(media).returningAll().executeTakeFirstOrThrow();
}

export async function findMedia(db: Db, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom("media_attachments").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findMediaByFileName(db: Db, fileName: string): Promise<MediaRow | undefined> {
  return db.selectFrom("media_attachments").selectAll().where("file_name", "=", fileName).executeTakeFirst();
}

export async function updateMediaDescription(db: Db, id: string, description: string | null): Promise<void> {
  await db.updateTable("media_attachments").set({ description }).where("id", "=", id).execute();
}

export async function attachMedia(db: Db, postId: string, ids: string[]): Promise<void> {
  for (const [position, id] of ids.entries()) {
    await db.updateTable("media_attachments").set({ post_id: postId, position }).where("id", "=", id).execute();
  }
}

export async function mediaOfPosts(db: Db, postIds: string[]): Promise<MediaRow[]> {
  if (postIds.length === 0) return [];
  return db.selectFrom("media_attachments").selectAll().where("post_id", "in", postIds).orderBy("position").execute();
}
