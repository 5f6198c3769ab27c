// What is being talked about: hashtags and public posts with the most
// activity lately, and accounts worth following.
import { sql, type Kysely } from "kysely";
import type { ActorRow, Database, PostRow } from "../schema.ts";
import { hiddenAuthorIds } from "./hidden.queries.ts";

/** Hashtags of public posts since a moment, by how many people used them. */
export async function trendingTags(db: Kysely<Database>, since: Date, limit: number, offset: number): Promise<string[]> {
  const rows = await db
    .selectFrom("post_tags")
    .innerJoin("posts", "posts.id", "post_tags.post_id")
    .select("post_tags.tag")
    .where("posts.visibility", "=", "public")
    .where("posts.published_at", ">=", since)
    .groupBy("post_tags.tag")
    .orderBy(sql`count(distinct posts.author_id)`, "desc")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("post_tags.tag")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => r.tag);
}

/** Public top-level posts since a moment with at least one like or boost, most liked and boosted first. */
export async function trendingPosts(db: Kysely<Database>, since: Date, limit: number, offset: number): Promise<PostRow[]> {
  const score = sql<number>`((select count(*) from likes l where l.post_id = posts.id) + (select count(*) from reblogs r where r.post_id = posts.id and r.actor_id not in (select actor_id from groups)))`;
  return db
    .selectFrom("posts")
    .selectAll("posts")
    .where("posts.visibility", "=", "public")
    .where("posts.in_reply_to_uri", "is", null)
    .where("posts.published_at", ">=", since)
    .where(score, ">", 0)
    .orderBy(score, "desc")
    .orderBy("posts.id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

/**
 * Accounts to follow: people on this instance the viewer does not follow
 * (nor hides), those most followed first.
 */
export async function suggestedAccounts(db: Kysely<Database>, viewerId: string, limit: number): Promise<ActorRow[]> {
  const followers = sql<number>`(select count(*) from follows f where f.followee_id = actors.id and f.state = 'accepted')`;
  return db
    .selectFrom("actors")
    .selectAll("actors")
    .where("actors.is_local", "=", true)
    .where("actors.type", "=", "Person")
    .where("actors.id", "!=", viewerId)
    .where("actors.id", "not in", db.selectFrom("follows").select("followee_id").where("follower_id", "=", viewerId))
    .where("actors.id", "not in", hiddenAuthorIds(db, viewerId))
    .where("actors.id", "in", db.selectFrom("users").select("actor_id").where("suspended_at", "is", null))
    .orderBy(followers, "desc")
    .orderBy("actors.id", "desc")
    .limit(limit)
    .execute();
}
