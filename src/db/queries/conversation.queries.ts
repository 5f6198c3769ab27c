// Reads of Mastodon conversations: each row with the newest direct post of
// its thread its owner wrote or was named in, paged by that post's id as
// Mastodon pages conversations.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";
import type { PageBounds } from "./timeline.queries.ts";

export interface ConversationRow {
  id: string;
  unread: boolean;
  lastPostId: string;
}

function withLastPost(db: Kysely<Database>, ownerId: string) {
  return db
    .selectFrom("conversations as c")
    .select(["c.id", "c.unread"])
    .select((eb) =>
      eb
        .selectFrom("posts as p")
        .select(sql<string>`max(p.id)`.as("last"))
        .whereRef("p.thread_uri", "=", "c.thread_uri")
        .where("p.visibility", "=", "direct")
        .where((w) =>
          w.or([
            w("p.author_id", "=", ownerId),
            w(
              "p.id",
              "in",
              w
                .selectFrom("post_mentions")
                .innerJoin("actors", "actors.uri", "post_mentions.actor_uri")
                .select("post_mentions.post_id")
                .where("actors.id", "=", ownerId),
            ),
          ]),
        )
        .as("last_post_id"),
    )
    .where("c.owner_id", "=", ownerId);
}

export async function listConversations(db: Kysely<Database>, ownerId: string, bounds: PageBounds): Promise<ConversationRow[]> {
  let q = db.selectFrom(withLastPost(db, ownerId).as("conv")).selectAll().where("conv.last_post_id", "is not", null);
  if (bounds.maxId) q = q.where("conv.last_post_id", "<", bounds.maxId);
  if (bounds.sinceId) q = q.where("conv.last_post_id", ">", bounds.sinceId);
  const rows = bounds.minId
    ? (await q.where("conv.last_post_id", ">", bounds.minId).orderBy("conv.last_post_id", "asc").limit(bounds.limit).execute()).reverse()
    : await q.orderBy("conv.last_post_id", "desc").limit(bounds.limit).execute();
  return rows.map((r) => ({ id: r.id, unread: r.unread, lastPostId: r.last_post_id! }));
}

export async function findConversation(db: Kysely<Database>, ownerId: string, id: string): Promise<ConversationRow | undefined> {
  const row = await withLastPost(db, ownerId).where("c.id", "=", id).executeTakeFirst();
  return row?.last_post_id ? { id: row.id, unread: row.unread, lastPostId: row.last_post_id } : undefined;
}
