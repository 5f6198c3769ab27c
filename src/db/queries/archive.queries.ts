// Everything an archive holds, read in a few batch queries: a person's posts,
// likes, follows and memberships; a group's posts and members.
import type { Kysely } from "kysely";
import type { ActorRow, Database, PostRow } from "../schema.ts";

type Db = Kysely<Database>;

export async function postsByAuthor(db: Db, authorId: string): Promise<PostRow[]> {
  return db.selectFrom("posts").selectAll().where("author_id", "=", authorId).orderBy("published_at").orderBy("id").execute();
}

export async function postsOfGroup(db: Db, groupId: string): Promise<PostRow[]> {
  return db.selectFrom("posts").selectAll().where("group_id", "=", groupId).orderBy("published_at").orderBy("id").execute();
}

export async function likedPostUris(db: Db, actorId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("likes")
    .innerJoin("posts", "posts.id", "likes.post_id")
    .select("posts.uri")
    .where("likes.actor_id", "=", actorId)
    .orderBy("likes.created_at")
    .execute();
  return rows.map((r) => r.uri);
}

export async function followUris(db: Db, actorId: string, direction: "following" | "followers"): Promise<Array<{ uri: string; type: string; state: string }>> {
  const [mine, other] = direction === "following" ? (["follower_id", "followee_id"] as const) : (["followee_id", "follower_id"] as const);
  return db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", `follows.${other}`)
    .select(["actors.uri", "actors.type", "follows.state"])
    .where(`follows.${mine}`, "=", actorId)
    .orderBy("follows.id")
    .execute();
}

export async function rolesOf(db: Db, memberId: string): Promise<Array<{ group_id: string; role: string }>> {
  return db.selectFrom("group_roles").select(["group_id", "role"]).where("member_id", "=", memberId).execute();
}

export async function actorsById(db: Db, ids: string[]): Promise<ActorRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("actors").selectAll().where("id", "in", ids).execute();
}
