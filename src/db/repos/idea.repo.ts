// Ideas and the history of their statuses.
import { sql, type Kysely, type Transaction } from "kysely";
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
 * An idea board: each idea with the times of its votes by current members.
 * `homeMemberUris` is the member list of a group hosted elsewhere, as its
 * home serves it: we know only the memberships of our own people, so the
 * votes relayed from other instances count against the home's list.
 */
export async function listIdeaVotes(db: Db, groupId: string, search: string | null, homeMemberUris: string[] | null = null) {
  let query = db
    .selectFrom("ideas")
    .innerJoin("posts", "posts.id", "ideas.post_id")
    .select(["ideas.post_id", "ideas.status", "ideas.status_reason", "ideas.duplicate_of", "posts.title", "posts.content_html"])
    .where("ideas.group_id", "=", groupId);
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("posts.title", "ilike", pattern), eb("posts.content_html", "ilike", pattern)]));
  }
  const ideas = await query.execute();
  if (ideas.length === 0) return [];
  const postIds = ideas.map((i) => i.post_id);
  // Votes count only from current members: a member who leaves takes their vote.
  const votes = homeMemberUris
    ? homeMemberUris.length === 0
      ? []
      : await db
          .selectFrom("likes")
          .innerJoin("actors", "actors.id", "likes.actor_id")
          .select(["likes.post_id", "likes.created_at"])
          .where("likes.post_id", "in", postIds)
          .where("actors.uri", "in", homeMemberUris)
          .execute()
    : await db
        .selectFrom("likes")
        .innerJoin("follows", (join) => join.onRef("follows.follower_id", "=", "likes.actor_id"))
        .select(["likes.post_id", "likes.created_at"])
        .where("likes.post_id", "in", postIds)
        .where("follows.followee_id", "=", groupId)
        .where("follows.state", "=", "accepted")
        .execute();
  return ideas.map((idea) => ({ ...idea, voteTimes: votes.filter((v) => v.post_id === idea.post_id).map((v) => v.created_at) }));
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
