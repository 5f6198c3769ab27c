// Timelines as Mastodon clients page them: newest first, with max_id /
// since_id / min_id bounds on our time-ordered ids.
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SelectQueryBuilder } from "kysely";
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

/** Newest first (oldest first for min_id, flipped by the caller), within the page's bounds, on `column`. */
// Branches select from different tables and aliases (a lateral "p", a union's "b0"…): any builder.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function bounded<Q extends SelectQueryBuilder<any, any, any>>(query: Q, column: string, bounds: PageBounds): Q {
  let q = query;
  if (bounds.maxId) q = q.where(column, "<", bounds.maxId) as Q;
  if (bounds.sinceId) q = q.where(column, ">", bounds.sinceId) as Q;
  if (bounds.minId) q = q.where(column, ">", bounds.minId) as Q;
  return q.orderBy(column, bounds.minId ? "asc" : "desc").limit(bounds.limit) as Q;
}

/**
 * One newest-first page out of several sources of post ids: each branch is
 * read on its own index with its own LIMIT, their union (at most branches ×
 * limit ids) is joined to posts and cut to the page. One `OR` over the
 * sources would instead walk the posts' primary key backwards and discard
 * every row no branch wants (ADR 0113).
 */
async function pageOfBranches(
  db: Kysely<Database>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  branches: Array<SelectQueryBuilder<any, any, { id: string }>>,
  bounds: PageBounds,
  from: Pick<Kysely<Database>, "selectFrom"> = db,
): Promise<PostRow[]> {
  const [first, ...rest] = branches.map((branch, i) => db.selectFrom(branch.as(`b${i}`)).select(`b${i}.id`));
  const ids = rest.reduce((union, branch) => union.union(branch), first!);
  const rows = await from
    .selectFrom(ids.as("ids"))
    .innerJoin("posts", "posts.id", "ids.id")
    .selectAll("posts")
    .orderBy("posts.id", bounds.minId ? "asc" : "desc")
    .limit(bounds.limit)
    .execute();
  return bounds.minId ? rows.reverse() : rows;
}

/** The home statement's CTEs: the authors it leaves out, the accounts the viewer follows less those, and (newest first) their newest posts. */
type HomeCtes = { home_hidden: { id: string }; home_followees: { id: string }; home_newest: { author_id: string; id: string } };

/** Authors the viewer does not read at home: hidden ones, and members of an exclusive list (read in that list only, Mastodon's `exclusive`). */
function notShownAtHome(db: Kysely<Database>, viewerId: string) {
  return hiddenAuthorIds(db, viewerId).union(
    db
      .selectFrom("list_accounts")
      .innerJoin("lists", "lists.id", "list_accounts.list_id")
      .select("list_accounts.account_id as id")
      .where("lists.actor_id", "=", viewerId)
      .where("lists.exclusive", "=", true),
  );
}

/** A followed account's posts at home: all but its direct messages (those reach home only by naming the viewer). */
function postsOf(eb: ExpressionBuilder<Database & HomeCtes, "home_followees" | "home_newest">, authorId: "home_followees.id" | "home_newest.author_id") {
  return eb.selectFrom("posts").select("posts.id").whereRef("posts.author_id", "=", authorId).where("posts.visibility", "!=", "direct");
}

/**
 * The posts of the accounts the viewer follows, at most the page's `limit`,
 * newest first, each account read on posts_author_idx (a lateral join).
 * Newest first (no min_id), the reads are cut by a floor: each account's
 * newest post within the bounds (one row each, `home_newest`), and the
 * limit-th newest of those. At least `limit` posts (those newest ones) are at
 * or above the floor, so the page holds none below it: only the accounts whose
 * newest post reaches the floor are read further, and each scan stops at the
 * floor on the index. Without it every account was read up to the page's
 * limit: ~2,000 posts (a heap visit each, for the visibility) for a page of 20
 * at 100k posts. Fewer accounts with posts than the page: no floor ('' sorts
 * before every id). Paging forward (min_id) reads what is newer than the
 * point, each account up to the limit, as before.
 */
function followedAccountsBranch(withCtes: Kysely<Database & HomeCtes>, bounds: PageBounds) {
  if (bounds.minId) {
    return bounded(
      withCtes
        .selectFrom("home_followees")
        .innerJoinLateral(
          (eb) => bounded(postsOf(eb, "home_followees.id"), "posts.id", bounds).as("p"),
          (join) => join.onTrue(),
        )
        .select("p.id"),
      "p.id",
      bounds,
    );
  }
  const floor = pageFloor("home_newest", bounds.limit);
  return bounded(
    withCtes
      .selectFrom("home_newest")
      .innerJoinLateral(
        (eb) => bounded(postsOf(eb, "home_newest.author_id").where("posts.id", ">=", floor), "posts.id", bounds).as("p"),
        (join) => join.onTrue(),
      )
      .where("home_newest.id", ">=", floor)
      .select("p.id"),
    "p.id",
    bounds,
  );
}

/**
 * The floor of a page read per author (home's followed accounts, its boosts):
 * the limit-th newest of `newest`, a CTE of each author's newest row. At least
 * `limit` rows are at or above it, so the page holds none below it. '' (before
 * every id) when fewer authors than the page have rows: no floor.
 */
export function pageFloor(newest: string, limit: number): RawBuilder<string> {
  return sql<string>`coalesce((select n.id from ${sql.table(newest)} n order by n.id desc offset ${limit - 1} limit 1), '')`;
}

/** Each followed account's newest post within the bounds (accounts with none left out): what the floor is taken from. */
function newestOfEach(withCtes: Kysely<Database & HomeCtes>, bounds: PageBounds) {
  return withCtes
    .selectFrom("home_followees")
    .innerJoinLateral(
      (eb) => bounded(postsOf(eb, "home_followees.id"), "posts.id", { ...bounds, limit: 1 }).as("p"),
      (join) => join.onTrue(),
    )
    .select(["home_followees.id as author_id", "p.id"]);
}

/**
 * My posts, posts of people I follow (not their direct messages to others),
 * direct and followers-only posts naming me, and public posts with hashtags
 * I follow. Posts of my groups come as the groups' boosts (see
 * reblogsForHome), as Mastodon shows a group's Announce. One branch per
 * source: the followed accounts' posts are read per account on
 * posts_author_idx (a lateral join), so a newcomer following three quiet
 * accounts reads their few posts, not the table.
 */
export async function homeTimeline(db: Kysely<Database>, viewerId: string, bounds: PageBounds): Promise<PostRow[]> {
  // Every branch leaves out the same authors: one CTE, referenced four times, so it is planned
  // (under force_custom_plan, ADR 0119: on every request) and materialised once, not four times.
  const withHidden = db.withTables<HomeCtes>();
  const hidden = () => withHidden.selectFrom("home_hidden").select("home_hidden.id");
  const own = bounded(
    db.selectFrom("posts").select("posts.id").where("posts.author_id", "=", viewerId).where("posts.author_id", "not in", hidden()),
    "posts.id",
    bounds,
  );
  const followed = followedAccountsBranch(withHidden, bounds);
  const naming = bounded(
    db
      .selectFrom("post_mentions")
      .innerJoin("actors", "actors.uri", "post_mentions.actor_uri")
      .innerJoin("posts", "posts.id", "post_mentions.post_id")
      .select("posts.id")
      .where("actors.id", "=", viewerId)
      .where("posts.visibility", "in", ["private", "direct"])
      .where("posts.author_id", "not in", hidden()),
    "posts.id",
    bounds,
  );
  const tagged = bounded(
    db
      .selectFrom("post_tags")
      .innerJoin("posts", "posts.id", "post_tags.post_id")
      .select("posts.id")
      .where("post_tags.tag", "in", db.selectFrom("tag_follows").select("tag").where("actor_id", "=", viewerId))
      .where("posts.visibility", "=", "public")
      .where("posts.author_id", "not in", hidden()),
    "post_tags.post_id",
    bounds,
  );
  const withFollowees = db
    .with("home_hidden", () => notShownAtHome(db, viewerId))
    .with("home_followees", (qc) =>
      qc
        .selectFrom("follows")
        .select("follows.followee_id as id")
        .where("follows.follower_id", "=", viewerId)
        .where("follows.state", "=", "accepted")
        .where("follows.followee_id", "not in", qc.selectFrom("home_hidden").select("home_hidden.id")),
    );
  return pageOfBranches(
    db,
    [own, followed, naming, tagged],
    bounds,
    bounds.minId ? withFollowees : withFollowees.with("home_newest", () => newestOfEach(withHidden, bounds)),
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
  // Read from the tag's side (post_tags_pk, newest first), each tagged post looked up by its key
  // until the page is full: a rare tag does not walk the posts table. A plain join let the planner
  // merge-join on posts_pkey, reading every post newer than the page's last (ADR 0113); the
  // `limit 1` (a no-op: one post per id) keeps the lateral lookup from being flattened back into it.
  const query = db
    .selectFrom("post_tags")
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("posts")
          .selectAll("posts")
          .whereRef("posts.id", "=", "post_tags.post_id")
          .where("posts.visibility", "=", "public")
          .$if(viewerId !== null, (q) => q.where("posts.author_id", "not in", hiddenAuthorIds(db, viewerId!)))
          .limit(1)
          .as("posts"),
      (join) => join.onTrue(),
    )
    .selectAll("posts")
    .where("post_tags.tag", "=", tag.toLowerCase());
  const rows = await bounded(query, "post_tags.post_id", bounds).execute();
  return bounds.minId ? rows.reverse() : rows;
}

/** Profile filters of an account's posts, as Mastodon's `accounts/:id/statuses` takes them. */
export interface AccountPostFilters {
  onlyMedia?: boolean | undefined;
  /** Leave out replies to others (a reply in one's own thread stays, as on Mastodon). */
  excludeReplies?: boolean | undefined;
  tagged?: string | undefined;
}

/** An account's posts under the profile filters (no columns chosen yet). */
function postsByAuthor(db: Kysely<Database>, authorId: string, filters: AccountPostFilters) {
  let query = db.selectFrom("posts").where("posts.author_id", "=", authorId);
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
  return query;
}

export async function accountTimeline(db: Kysely<Database>, authorId: string, bounds: PageBounds, filters: AccountPostFilters = {}): Promise<PostRow[]> {
  return page(postsByAuthor(db, authorId, filters).selectAll("posts"), bounds);
}

/** A boost on a profile, with the post it boosts. */
export interface ProfileBoost {
  id: string;
  post_id: string;
  actor_id: string;
  created_at: Date;
  post: PostRow;
}

/**
 * An account's posts and its boosts (each with the boosted post) within the
 * page's bounds, in one statement: each branch on its own index
 * (posts_author_idx, reblogs_actor_idx) with its own LIMIT, so up to twice the
 * page comes back and the caller merges them by id, newest first.
 */
export async function postsAndBoostsBy(
  db: Kysely<Database>,
  actorId: string,
  bounds: PageBounds,
  filters: Pick<AccountPostFilters, "excludeReplies"> = {},
): Promise<{ posts: PostRow[]; boosts: ProfileBoost[] }> {
  const own = bounded(
    postsByAuthor(db, actorId, filters).select([
      "posts.id as post_id",
      sql<string | null>`null::text`.as("boost_id"),
      sql<Date | null>`null::timestamptz`.as("boosted_at"),
    ]),
    "posts.id",
    bounds,
  );
  const boosted = bounded(
    db.selectFrom("reblogs").select(["reblogs.post_id", "reblogs.id as boost_id", "reblogs.created_at as boosted_at"]).where("reblogs.actor_id", "=", actorId),
    "reblogs.id",
    bounds,
  );
  const rows = await db
    .selectFrom(
      db
        .selectFrom(own.as("o"))
        .selectAll("o")
        .unionAll(db.selectFrom(boosted.as("b")).selectAll("b"))
        .as("items"),
    )
    .innerJoin("posts", "posts.id", "items.post_id")
    .selectAll("posts")
    .select(["items.boost_id", "items.boosted_at"])
    .execute();
  const posts: PostRow[] = [];
  const boosts: ProfileBoost[] = [];
  for (const { boost_id, boosted_at, ...post } of rows) {
    if (boost_id === null) posts.push(post);
    else boosts.push({ id: boost_id, post_id: post.id, actor_id: actorId, created_at: boosted_at!, post });
  }
  return { posts, boosts };
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
