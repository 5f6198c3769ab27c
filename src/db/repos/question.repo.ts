// Questions and their accepted answers.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertQuestion(db: Db, postId: string, groupId: string): Promise<void> {
  await db
    .insertInto("questions")
    .values({ post_id: postId, group_id: groupId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findQuestion(db: Db, postId: string) {
  return db.selectFrom("questions").selectAll().where("post_id", "=", postId).executeTakeFirst();
}

/** Records the accepted answer; false when it was already the accepted one. */
export async function setAcceptedAnswer(db: Db, postId: string, answerUri: string, byId: string | null): Promise<boolean> {
  const changed = await db
    .updateTable("questions")
    .set({ accepted_answer_uri: answerUri, accepted_by_id: byId, accepted_at: new Date() })
    .where("post_id", "=", postId)
    .where((eb) => eb.or([eb("accepted_answer_uri", "is", null), eb("accepted_answer_uri", "!=", answerUri)]))
    .executeTakeFirst();
  return Number(changed.numUpdatedRows) > 0;
}
