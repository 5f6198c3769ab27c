// One post's tags: the mail worker reads them to tell what a group's note is.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

export async function tagsOfPost(db: Kysely<Database> | Transaction<Database>, postId: string): Promise<string[]> {
  return (await db.selectFrom("post_tags").select("tag").where("post_id", "=", postId).execute()).map((r) => r.tag);
}
