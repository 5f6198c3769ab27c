// Writes of Mastodon conversations (direct threads per local participant).
import { sql, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A direct post arrived in a thread: each local participant's conversation
 * comes back (if removed) and is unread for everyone but its author.
 */
export async function touchConversations(db: Db, threadUri: string, authorId: string, mentionUris: string[]): Promise<void> {
  const locals = await db
    .selectFrom("actors")
    .select("id")
    .where("is_local", "=", true)
    .where((eb) => eb.or([eb("id", "=", authorId), ...(mentionUris.length > 0 ? [eb("uri", "in", mentionUris)] : [])]))
    .execute();
  for (const { id } of locals) {
    const unread = id !== authorId;
    await db
      .insertInto("conversations")
      .values({ id: newId(), owner_id: id, thread_uri: threadUri, unread })
      .onConflict((oc) => oc.columns(["owner_id", "thread_uri"]).doUpdateSet({ unread: sql<boolean>`${unread}`, updated_at: sql<Date>`now()` }))
      .execute();
  }
}

export async function markConversationRead(db: Db, ownerId: string, id: string): Promise<boolean> {
  const result = await db.updateTable("conversations").set({ unread: false }).where("id", "=", id).where("owner_id", "=", ownerId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function removeConversation(db: Db, ownerId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("conversations").where("id", "=", id).where("owner_id", "=", ownerId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
