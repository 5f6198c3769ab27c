// Timelines as Mastodon clients page them: newest first, with max_id /
// since_id / min_id bounds on our time-ordered ids.
import { sql, type Kysely } from "kysely";
import type { Database, PostRow } from "../schema.ts";
import { hiddenAuthorIds } from "./hidden.queries.ts";

export interface PageBounds {
  maxId?: string | undefined;
  sinceId?: string | undefined;
  minId?: string | undefined;
  limit: number;
}

type PostQuery = ReturnType<typeof basePosts>;

function basePosts(db: Kysely<Database>) {
  return db.selectFrom("posts").selectAll("posts");
}

async function page(query: PostQuery, bounds: PageBounds): Promise<PostRow[]> {
  let q = query;
  if (bounds.maxId) q = q.where("posts.id", "<", bounds.maxId);
  if (bounds.sinceId) q = q.where("posts.id", ">", bounds.sinceId);
  if (bounds.minId) {
    // min_id pages forward from a point: oldest first, then flipped.
    const rows = await q.where("posts.id", ">", bounds.minId).orderBy("posts.id", "asc").limit(bounds.limit).execute();
    return rows.reverse();
  }
  return q.orderBy("posts.id", "desc").limit(bounds.limit).execute();
}

/** Direct and followers-only posts that name the viewer (the home timeline shows them, as Mastodon does). */
function narrowPostsNaming(db: Kysely<Database>, viewerId: string) {
  return db
    .selectFrom("post_mentions")
    .innerJoin("actors", "actors.uri", "post_mentions.actor_uri")
    .innerJoin("posts as named", "named.id", "post_mentions.post_id")
    .select("post_mentions.post_id")
    .where("actors.id", "=", viewerId)
    .where("named.visibility", "in", ["private", "direct"]);
}

/**
 * My posts, posts of people I follow (not their direct messages to others),
 * direct messages to me and public posts with hashtags I follow. Posts of my groups come as the
 * groups' boosts (see reblogsForHome), as Mastodon shows a group's Announce.
 */
export async function homeTimeline(db: Kysely<Database>, viewerId: string, bounds: PageBounds): Promise<PostRow[]> {
  const followed = db.selectFrom("follows").select("followee_id").where("follower_id", "=", viewerId).where("state", "=", "accepted");
  return page(
    basePosts(db)
      .where((eb) =>
        eb.or([
          eb("posts.author_id", "=", viewerId),
          eb.and([eb("posts.author_id", "in", followed), eb("posts.visibility", "!=", "direct")]),
          eb("posts.id", "in", narrowPostsNaming(db, viewerId)),
          // Public posts with a hashtag I follow.
          eb.and([
            eb("posts.visibility", "=", "public"),
            eb(
              "posts.id",
              "in",
              db
                .selectFrom("post_tags")
                .select("post_id")
                .where("tag", "in", db.selectFrom("tag_follows").select("tag").where("actor_id", "=", viewerId)),
            ),
          ]),
        ]),
      )
      .where("posts.author_id", "not in", hiddenAuthorIds(db, viewerId))
      // Members of an exclusive list are read in that list only (Mastodon's `exclusive`).
      .where(
        "posts.author_id",
        "not in",
        db
          .selectFrom("list_accounts")
          .innerJoin("lists", "lists.id", "list_accounts.list_id")
          .select("list_accounts.account_id")
          .where("lists.actor_id", "=", viewerId)
          .where("lists.exclusive", "=", true),
      ),
    bounds,
  );
}

export async function publicTimeline(
  db: Kysely<Database>,
  options: { local?: boolean; remote?: boolean },
  bounds: PageBounds,
  viewerId: string | null = null,
): Promise<PostRow[]> {
  let query = basePosts(db).where("posts.visibility", "=", "public");
  if (viewerId) query = query.where("posts.author_id", "not in", hiddenAuthorIds(db, viewerId));
  if (options.local) query = query.where("posts.is_local", "=", true);
  if (options.remote) query = query.where("posts.is_local", "=", false);
  return page(query, bounds);
}

export async function tagTimeline(db: Kysely<Database>, tag: string, bounds: PageBounds, viewerId: string | null = null): Promise<PostRow[]> {
  let query = basePosts(db)
    .where("posts.visibility", "=", "public")
    .where("posts.id", "in", db.selectFrom("post_tags").select("post_id").where("tag", "=", tag.toLowerCase()));
  if (viewerId) query = query.where("posts.author_id", "not in", hiddenAuthorIds(db, viewerId));
  return page(query, bounds);
}

/** Profile filters of an account's posts, as Mastodon's `accounts/:id/statuses` takes them. */
export interface AccountPostFilters {
  onlyMedia?: boolean | undefined;
  /** Leave out replies to others (a reply in one's own thread stays, as on Mastodon). */
  excludeReplies?: boolean | undefined;
  tagged?: string | undefined;
}

export async function accountTimeline(db: Kysely<Database>, authorId: string, bounds: PageBounds, filters: AccountPostFilters = {}): Promise<PostRow[]> {
  let query = basePosts(db).where("posts.author_id", "=", authorId);
  if (filters.onlyMedia) {
    query = query.where(
      "posts.id",
      "in",
      db.selectFrom("media_attachments").select("post_id").where("post_id", "is not", null).$narrowType<{ post_id: string }>(),
    );
  }
  if (filters.excludeReplies) {
    query = query.where((eb) =>
      eb.or([
        eb("posts.in_reply_to_uri", "is", null),
        eb("posts.in_reply_to_uri", "in", db.selectFrom("posts as parent").select("parent.uri").where("parent.author_id", "=", authorId)),
      ]),
    );
  }
  if (filters.tagged) {
    query = query.where("posts.id", "in", db.selectFrom("post_tags").select("post_id").where("tag", "=", filters.tagged.toLowerCase()));
  }
  return page(query, bounds);
}

/** An account's boosts, newest first, paged like posts. */
export async function reblogsByActor(db: Kysely<Database>, actorId: string, bounds: PageBounds) {
  let query = db.selectFrom("reblogs").selectAll().where("actor_id", "=", actorId);
  if (bounds.maxId) query = query.where("id", "<", bounds.maxId);
  if (bounds.sinceId) query = query.where("id", ">", bounds.sinceId);
  if (bounds.minId) {
    const rows = await query.where("id", ">", bounds.minId).orderBy("id", "asc").limit(bounds.limit).execute();
    return rows.reverse();
  }
  return query.orderBy("id", "desc").limit(bounds.limit).execute();
}

export async function postsByIds(db: Kysely<Database>, ids: string[]): Promise<PostRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("posts").selectAll().where("id", "in", ids).execute();
}

export { sql };

/**
 * A list's timeline: posts by its members, without hidden accounts. Replies
 * follow the list's policy: to anyone the owner follows (`followed`), to the
 * list's members (`list`), or none at all.
 */
export async function listTimeline(
  db: Kysely<Database>,
  ownerId: string,
  list: { id: string; repliesPolicy: "followed" | "list" | "none" },
  bounds: PageBounds,
): Promise<PostRow[]> {
  const members = db.selectFrom("list_accounts").select("account_id").where("list_id", "=", list.id);
  const followed = db.selectFrom("follows").select("followee_id").where("follower_id", "=", ownerId).where("state", "=", "accepted");
  let query = basePosts(db).where("posts.author_id", "in", members).where("posts.author_id", "not in", hiddenAuthorIds(db, ownerId));
  if (list.repliesPolicy === "none") query = query.where("posts.in_reply_to_uri", "is", null);
  else {
    const audience = list.repliesPolicy === "list" ? members : followed;
    query = query.where((eb) =>
      eb.or([
        eb("posts.in_reply_to_uri", "is", null),
        eb(
          "posts.in_reply_to_uri",
          "in",
          db
            .selectFrom("posts as parent")
            .select("parent.uri")
            .where((p) => p.or([p("parent.author_id", "in", audience), p("parent.author_id", "=", ownerId)])),
        ),
      ]),
    );
  }
  return page(query, bounds);
}
