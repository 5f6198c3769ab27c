// Hashtag statistics: daily use over the last week (Mastodon's Tag history),
// an account's use of its tags, and the tags it uses most.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";
import { postSeenByAnyone } from "./visibility.queries.ts";

export interface TagDay {
  tag: string;
  day: Date;
  uses: number;
  accounts: number;
}

/** Uses of each tag per UTC day in public posts since `since`. */
export async function tagDays(db: Kysely<Database>, tags: string[], since: Date): Promise<TagDay[]> {
  if (tags.length === 0) return [];
  const day = sql<Date>`date_trunc('day', posts.published_at at time zone 'UTC')`;
  const rows = await db
    .selectFrom("post_tags")
    .innerJoin("posts", "posts.id", "post_tags.post_id")
    .select(["post_tags.tag", day.as("day"), sql<number>`count(*)::int`.as("uses"), sql<number>`count(distinct posts.author_id)::int`.as("accounts")])
    .where("post_tags.tag", "in", tags)
    .where("posts.visibility", "=", "public")
    .where("posts.published_at", ">=", since)
    .groupBy(["post_tags.tag", day])
    .execute();
  return rows.map((r) => ({ tag: r.tag, day: new Date(r.day), uses: Number(r.uses), accounts: Number(r.accounts) }));
}

/** How often an account used each tag, and when last, in the posts anyone may see (its featured tags). */
export async function authorTagUse(db: Kysely<Database>, authorId: string, tags: string[]) {
  if (tags.length === 0) return [];
  return db
    .selectFrom("post_tags")
    .innerJoin("posts", "posts.id", "post_tags.post_id")
    .select(["post_tags.tag", sql<number>`count(*)::int`.as("n"), sql<Date | null>`max(posts.published_at)`.as("last")])
    .where("posts.author_id", "=", authorId)
    .where("post_tags.tag", "in", tags)
    .where(postSeenByAnyone("posts"))
    .groupBy("post_tags.tag")
    .execute();
}

/** The tags an account uses most. */
export async function mostUsedTags(db: Kysely<Database>, authorId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("post_tags")
    .innerJoin("posts", "posts.id", "post_tags.post_id")
    .select("post_tags.tag")
    .where("posts.author_id", "=", authorId)
    .groupBy("post_tags.tag")
    .orderBy(sql`count(*)`, "desc")
    .orderBy("post_tags.tag")
    .limit(limit)
    .execute();
  return rows.map((r) => r.tag);
}
