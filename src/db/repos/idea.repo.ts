// Ideas and the history of their statuses.
import { sql, type ExpressionBuilder, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertIdea(db: Db, postId: string, groupId: string): Promise<void> {
  await db
    .insertInto("ideas")
    .values({ post_id: postId, group_id: groupId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findIdea(db: Db, postId: string) {
  return db.selectFrom("ideas").selectAll().where("post_id", "=", postId).executeTakeFirst();
}

export async function setIdeaStatus(
  db: Db,
  change: { postId: string; status: string; reason: string | null; duplicateOf: string | null; byId: string | null },
): Promise<void> {
  await db
    .updateTable("ideas")
    .set({ status: change.status, status_reason: change.reason, duplicate_of: change.duplicateOf, updated_at: new Date() })
    .where("post_id", "=", change.postId)
    .execute();
  await db
    .insertInto("idea_status_history")
    .values({ id: newId(), post_id: change.postId, status: change.status, reason: change.reason, by_id: change.byId })
    .execute();
}

export async function ideaHistory(db: Db, postId: string) {
  return db.selectFrom("idea_status_history").selectAll().where("post_id", "=", postId).orderBy("created_at").execute();
}

/**
 * A group elsewhere: its home's member list decides whose relayed votes count
 * (we hold only our own people's memberships). Marks the votes on the group's
 * ideas to match `homeMemberUris` (our own accepted members' votes count
 * either way); the likes trigger rescores each idea whose votes changed
 * (migration 0099). One statement; it writes only the votes that differ.
 */
export async function countHomeVotes(db: Db, groupId: string, homeMemberUris: string[]): Promise<void> {
  await db
    .updateTable("likes")
    .set((eb) => ({ counted: countsExpression(eb, groupId, homeMemberUris) }))
    .where("likes.post_id", "in", (eb) => eb.selectFrom("ideas").select("ideas.post_id").where("ideas.group_id", "=", groupId))
    .where((eb) => eb("likes.counted", "is distinct from", countsExpression(eb, groupId, homeMemberUris)))
    .execute();
}

function countsExpression(eb: ExpressionBuilder<Database, "likes">, groupId: string, homeMemberUris: string[]) {
  const member = eb.exists(
    eb
      .selectFrom("follows")
      .select("follows.id")
      .whereRef("follows.follower_id", "=", "likes.actor_id")
      .where("follows.followee_id", "=", groupId)
      .where("follows.state", "=", "accepted"),
  );
  if (homeMemberUris.length === 0) return member.$castTo<boolean>();
  const listed = eb.exists(eb.selectFrom("actors").select("actors.id").whereRef("actors.id", "=", "likes.actor_id").where("actors.uri", "in", homeMemberUris));
  return eb.or([member, listed]).$castTo<boolean>();
}

/** Everyone who voted for an idea (for the status answer to mention). */
export async function ideaVoterUris(db: Db, postId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("likes")
    .innerJoin("actors", "actors.id", "likes.actor_id")
    .select("actors.uri")
    .where("likes.post_id", "=", postId)
    .execute();
  return rows.map((r) => r.uri);
}

export { sql };
