// The posts an account liked, most recently liked first (Mastodon's favourites list).
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

/**
 * Pages by the liked post's id: `maxId` is a post from the previous page, and
 * the next page holds what was liked before it was.
 */
export async function likedPostIds(db: Kysely<Database>, actorId: string, options: { maxId?: string | undefined; limit: number }): Promise<string[]> {
  let query = db.selectFrom("likes").select(["post_id", "created_at"]).where("actor_id", "=", actorId);
  if (options.maxId) {
    const anchor = db.selectFrom("likes").select("created_at").where("actor_id", "=", actorId).where("post_id", "=", options.maxId);
    query = query.where((eb) => eb.or([eb("created_at", "<", anchor), eb.and([eb("created_at", "=", anchor), eb("post_id", "<", options.maxId!)])]));
  }
  const rows = await query.orderBy("created_at", "desc").orderBy("post_id", "desc").limit(options.limit).execute();
  return rows.map((r) => r.post_id);
}
