// Reads behind search, for every door (Mastodon apps, the web's /search page
// and the composer's autocomplete): accounts by username, handle prefix and
// display name, posts by full text (ADR 0030), hashtags by prefix, tasks by
// title. What a viewer may see (posts, secret groups, tasks) is decided by
// the caller, with the one visibility rule.
import { sql, type Kysely } from "kysely";
import type { ActorRow, Database, PostRow, TaskRow } from "../schema.ts";

export interface AccountSearch {
  /** Lower-case words of a name, or the parts of a handle. */
  username: string;
  domain: string | null;
  viewerId: string | null;
  followingOnly: boolean;
  /** Which actor types (default: people, groups, services, organizations). */
  types?: string[];
  limit: number;
  offset: number;
}

export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Accounts whose username starts with the text (and whose domain starts with
 * the domain part, for `bob@glo`), or whose display name contains it. Exact
 * usernames first, then accounts the viewer follows, then by name.
 */
export async function searchActors(db: Kysely<Database>, s: AccountSearch): Promise<ActorRow[]> {
  const prefix = `${escapeLike(s.username.toLowerCase())}%`;
  const contains = `%${escapeLike(s.username.toLowerCase())}%`;
  let query = db
    .selectFrom("actors")
    .selectAll("actors")
    .where("actors.type", "in", s.types ?? ["Person", "Group", "Service", "Organization"])
    .where("actors.gone_at", "is", null)
    .where((eb) =>
      s.domain !== null
        ? eb.and([eb(sql`lower(actors.username)`, "like", prefix), eb(sql`lower(actors.domain)`, "like", `${escapeLike(s.domain!.toLowerCase())}%`)])
        : eb.or([eb(sql`lower(actors.username)`, "like", prefix), eb(sql`lower(coalesce(actors.name, ''))`, "like", contains)]),
    );
  if (s.followingOnly && s.viewerId) {
    query = query.where(
      "actors.id",
      "in",
      db.selectFrom("follows").select("followee_id").where("follower_id", "=", s.viewerId).where("state", "=", "accepted"),
    );
  }
  const followed = s.viewerId
    ? sql<number>`case when exists (select 1 from follows f where f.follower_id = ${s.viewerId} and f.followee_id = actors.id and f.state = 'accepted') then 0 else 1 end`
    : sql<number>`1`;
  return query
    .orderBy(sql`case when lower(actors.username) = ${s.username.toLowerCase()} then 0 else 1 end`)
    .orderBy(followed)
    .orderBy(sql`actors.is_local`, "desc")
    .orderBy(sql`lower(actors.username)`)
    .orderBy("actors.id")
    .limit(s.limit)
    .offset(s.offset)
    .execute();
}

/** The text search vector; the same expression as the posts_fts_idx index. */
const POST_VECTOR = sql`to_tsvector('simple', coalesce(posts.title, '') || ' ' || posts.content_html)`;

/**
 * Posts matching every word (each as a prefix), newest first. `words` hold
 * letters and digits only, so they cannot carry tsquery syntax.
 */
export async function searchPostRows(
  db: Kysely<Database>,
  s: { words: string[]; authorId?: string | undefined; maxId?: string | undefined; minId?: string | undefined; limit: number; offset: number },
): Promise<PostRow[]> {
  if (s.words.length === 0) return [];
  const tsquery = s.words.map((w) => `${w}:*`).join(" & ");
  let query = db
    .selectFrom("posts")
    .selectAll("posts")
    .where(sql<boolean>`${POST_VECTOR} @@ to_tsquery('simple', ${tsquery})`);
  if (s.authorId) query = query.where("posts.author_id", "=", s.authorId);
  if (s.maxId) query = query.where("posts.id", "<", s.maxId);
  if (s.minId) query = query.where("posts.id", ">", s.minId);
  return query.orderBy("posts.id", "desc").limit(s.limit).offset(s.offset).execute();
}

export interface TagUse {
  tag: string;
  uses: number;
  accounts: number;
  lastUsed: Date | null;
}

/** Hashtags starting with a prefix, most used first. */
export async function searchTags(db: Kysely<Database>, s: { prefix: string; limit: number; offset: number }): Promise<TagUse[]> {
  const rows = await db
    .selectFrom("post_tags")
    .innerJoin("posts", "posts.id", "post_tags.post_id")
    .select([
      "post_tags.tag",
      sql<number>`count(*)::int`.as("uses"),
      sql<number>`count(distinct posts.author_id)::int`.as("accounts"),
      sql<Date | null>`max(posts.published_at)`.as("last_used"),
    ])
    .where("post_tags.tag", "like", `${escapeLike(s.prefix.toLowerCase())}%`)
    .where("posts.visibility", "=", "public")
    .groupBy("post_tags.tag")
    .orderBy(sql`case when post_tags.tag = ${s.prefix.toLowerCase()} then 0 else 1 end`)
    .orderBy(sql`count(*)`, "desc")
    .orderBy("post_tags.tag")
    .limit(s.limit)
    .offset(s.offset)
    .execute();
  return rows.map((r) => ({ tag: r.tag, uses: Number(r.uses), accounts: Number(r.accounts), lastUsed: r.last_used ? new Date(r.last_used) : null }));
}

/** Tasks whose title contains `text`, in the given groups, most recently changed first. */
export async function searchTaskRows(db: Kysely<Database>, text: string, groupIds: string[], limit: number): Promise<TaskRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom("tasks")
    .selectAll()
    .where("group_id", "in", groupIds)
    .where("title", "ilike", `%${escapeLike(text)}%`)
    .orderBy("updated_at", "desc")
    .limit(limit)
    .execute();
}
