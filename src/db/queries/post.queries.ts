// Reads of posts with what a viewer needs beside each: author, counts, and
// whether the viewer liked it — computed in batch, never one query per row.
import { pollsOf, type PollFacts } from "./poll.queries.ts";
import { sql, type Kysely, type Transaction } from "kysely";
import { jsonArrayFrom, jsonObjectFrom } from "kysely/helpers/postgres";
import type { ActorCard, ActorRow, Database, MediaRow, PostRow } from "../schema.ts";
import { ACTOR_CARD_COLUMNS } from "./actor-card.columns.ts";
import { hiddenAuthorIds } from "./hidden.queries.ts";
import { replySeenBy } from "./visibility.queries.ts";
import { pageFloor } from "./timeline.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface PostEntry {
  post: PostRow;
  author: ActorCard;
  group: ActorCard | null;
  likeCount: number;
  replyCount: number;
  reblogCount: number;
  likedByViewer: boolean;
  rebloggedByViewer: boolean;
  bookmarkedByViewer: boolean;
  pinnedByViewer: boolean;
  tags: string[];
  mentions: string[];
  /** `@user@host` of each mentioned actor we know, by URI (what Mention tags are named). */
  mentionHandles: Record<string, string>;
  media: MediaRow[];
  /** Its poll, with the viewer's own votes. */
  poll: PollFacts | null;
  /** The mentioned actors we know (the account fields a client shows). */
  mentionedActors: MentionedActor[];
  /** The post it replies to, when we have it. */
  parent: { id: string; authorId: string } | null;
}

export type MentionedActor = Pick<ActorRow, "id" | "uri" | "url" | "username" | "domain" | "is_local">;

/**
 * What every post of a page needs beside its row, in two statements whatever
 * the page's size (issue 18): the authors and groups, and one statement of
 * per-post facts (counts, the viewer's own flags, tags, mentions with their
 * actors, media, the post replied to), each a correlated sub-select on its
 * table's post index. Polls are read only when a post has one.
 */
export async function hydrate(db: Db, posts: PostRow[], viewerId: string | null): Promise<PostEntry[]> {
  return (await hydrateWithActors(db, posts, viewerId, [])).entries;
}

/** `hydrate`, with more actors (a page's boosters) read in the same statement as the authors. */
export async function hydrateWithActors(
  db: Db,
  posts: PostRow[],
  viewerId: string | null,
  moreActorIds: string[],
): Promise<{ entries: PostEntry[]; actors: Map<string, ActorCard> }> {
  if (posts.length === 0) return { entries: [], actors: new Map() };
  const ids = posts.map((p) => p.id);
  const actorIds = [...new Set([...posts.flatMap((p) => [p.author_id, ...(p.group_id ? [p.group_id] : [])]), ...moreActorIds])];
  const [actors, facts] = await Promise.all([
    db.selectFrom("actors").select(ACTOR_CARD_COLUMNS).where("id", "in", actorIds).execute(),
    postFacts(db, ids, viewerId),
  ]);
  const withPolls = facts.filter((f) => f.has_poll === true).map((f) => f.id);
  const polls = withPolls.length > 0 ? await pollsOf(db, withPolls, viewerId) : new Map<string, PollFacts>();
  const actorById = new Map(actors.map((a) => [a.id, a]));
  const factsById = new Map(facts.map((f) => [f.id, f]));
  const entries = posts.map((post) => {
    const f = factsById.get(post.id);
    const mentions = f?.mentions ?? [];
    return {
      post,
      author: actorById.get(post.author_id)!,
      group: post.group_id ? (actorById.get(post.group_id) ?? null) : null,
      likeCount: Number(f?.like_count ?? 0),
      replyCount: Number(f?.reply_count ?? 0),
      likedByViewer: f?.liked === true,
      reblogCount: Number(f?.reblog_count ?? 0),
      rebloggedByViewer: f?.reblogged === true,
      bookmarkedByViewer: f?.bookmarked === true,
      pinnedByViewer: f?.pinned === true,
      tags: (f?.tags ?? []).map((t) => t.tag),
      mentions: mentions.map((m) => m.actor_uri),
      mentionHandles: Object.fromEntries(mentions.filter((m) => m.username && m.domain).map((m) => [m.actor_uri, `@${m.username}@${m.domain}`])),
      mentionedActors: mentions.flatMap((m) =>
        m.id ? [{ id: m.id, uri: m.actor_uri, url: m.url, username: m.username!, domain: m.domain!, is_local: m.is_local === true }] : [],
      ),
      // JSON carries the timestamp as text.
      media: (f?.media ?? []).map((m) => ({ ...m, created_at: new Date(m.created_at) })),
      poll: polls.get(post.id) ?? null,
      parent: f?.parent ? { id: f.parent.id, authorId: f.parent.author_id } : null,
    };
  });
  return { entries, actors: actorById };
}

/** Counts, the viewer's flags, tags, mentions, media and the parent of each post, in one statement. */
function postFacts(db: Db, ids: string[], viewerId: string | null) {
  const mine = (table: "likes" | "reblogs" | "bookmarks" | "status_pins") =>
    viewerId ? sql<boolean>`exists (select 1 from ${sql.table(table)} t where t.post_id = posts.id and t.actor_id = ${viewerId})` : sql<boolean>`false`;
  return db
    .selectFrom("posts")
    .where("posts.id", "in", ids)
    .select((eb) => [
      "posts.id",
      sql<number>`(select count(*)::int from likes where likes.post_id = posts.id)`.as("like_count"),
      // The replies this viewer may see (finding 53 and its session-10 mend).
      sql<number>`(select count(*)::int from posts replies where replies.in_reply_to_uri = posts.uri and ${replySeenBy("replies", "posts", viewerId)})`.as(
        "reply_count",
      ),
      // People's boosts only: a share into a group is the group's boost, and the count must not tell of a hidden group (finding 52).
      sql<number>`(select count(*)::int from reblogs where reblogs.post_id = posts.id and (select 1 from groups g where g.actor_id = reblogs.actor_id) is null)`.as(
        "reblog_count",
      ),
      mine("likes").as("liked"),
      mine("reblogs").as("reblogged"),
      mine("bookmarks").as("bookmarked"),
      mine("status_pins").as("pinned"),
      sql<boolean>`exists (select 1 from polls where polls.post_id = posts.id)`.as("has_poll"),
      jsonArrayFrom(eb.selectFrom("post_tags").select("post_tags.tag").whereRef("post_tags.post_id", "=", "posts.id")).as("tags"),
      jsonArrayFrom(
        eb
          .selectFrom("post_mentions")
          .leftJoin("actors", "actors.uri", "post_mentions.actor_uri")
          .select(["post_mentions.actor_uri", "actors.id", "actors.url", "actors.username", "actors.domain", "actors.is_local"])
          .whereRef("post_mentions.post_id", "=", "posts.id"),
      ).as("mentions"),
      jsonArrayFrom(eb.selectFrom("media_attachments").selectAll().whereRef("media_attachments.post_id", "=", "posts.id").orderBy("position")).as("media"),
      jsonObjectFrom(
        eb.selectFrom("posts as parent").select(["parent.id", "parent.author_id"]).whereRef("parent.uri", "=", "posts.in_reply_to_uri").limit(1),
      ).as("parent"),
    ])
    .execute();
}

export async function getPostEntry(db: Db, postId: string, viewerId: string | null): Promise<PostEntry | undefined> {
  const post = await db.selectFrom("posts").selectAll().where("id", "=", postId).executeTakeFirst();
  return post ? (await hydrate(db, [post], viewerId))[0] : undefined;
}

/** Top-level posts of a group, newest first. */
export async function listGroupPosts(
  db: Db,
  groupId: string,
  options: { cursor: string | null; limit: number; viewerId: string | null },
): Promise<{ items: PostEntry[]; nextCursor: string | null }> {
  // The group's own posts and the ones members shared into it: one index scan
  // each (posts_group_top_idx, post_shares_group_post_idx), limited, then
  // merged — one `OR` walked the posts' primary key backwards (ADR 0113).
  const limit = options.limit + 1;
  const before = options.cursor;
  const own = db
    .selectFrom("posts")
    .select("id")
    .where("group_id", "=", groupId)
    .where("in_reply_to_uri", "is", null)
    .$if(before !== null, (q) => q.where("id", "<", before!))
    .orderBy("id", "desc")
    .limit(limit);
  const shared = db
    .selectFrom("post_shares")
    .innerJoin("posts", "posts.id", "post_shares.post_id")
    .select("post_shares.post_id as id")
    .where("post_shares.group_id", "=", groupId)
    .where("posts.in_reply_to_uri", "is", null)
    .$if(before !== null, (q) => q.where("post_shares.post_id", "<", before!))
    .orderBy("post_shares.post_id", "desc")
    .limit(limit);
  const ids = db
    .selectFrom(own.as("o"))
    .select("o.id")
    .union(db.selectFrom(shared.as("s")).select("s.id"));
  const query = db.selectFrom(ids.as("ids")).innerJoin("posts", "posts.id", "ids.id").selectAll("posts").orderBy("posts.id", "desc").limit(limit);
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    items: await hydrate(db, page, options.viewerId),
    nextCursor: rows.length > options.limit ? page.at(-1)!.id : null,
  };
}

function publicOutboxPosts(db: Db, actor: { id: string; type: string }, membersOnlyToo = false) {
  // A person's outbox holds the public posts they wrote here; a group's, the
  // posts in it (its Announces): members-only ones only for a requester the
  // caller found may see the group's content.
  return db
    .selectFrom("posts")
    .where(actor.type === "Group" ? "group_id" : "author_id", "=", actor.id)
    .where("visibility", "in", membersOnlyToo && actor.type === "Group" ? ["public", "members_only"] : ["public", "unlisted"])
    .where((eb) => (actor.type === "Group" ? eb.val(true) : eb("is_local", "=", true)));
}

/** A page of an actor's outbox, newest first. */
export async function listOutboxPosts(
  db: Db,
  actor: { id: string; type: string },
  options: { cursor: string | null; limit: number; membersOnlyToo?: boolean },
): Promise<{ items: PostEntry[]; nextCursor: string | null }> {
  let query = publicOutboxPosts(db, actor, options.membersOnlyToo)
    .selectAll()
    .orderBy("id", "desc")
    .limit(options.limit + 1);
  if (options.cursor) query = query.where("id", "<", options.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return { items: await hydrate(db, page, null), nextCursor: rows.length > options.limit ? page.at(-1)!.id : null };
}

export async function countOutboxPosts(db: Db, actor: { id: string; type: string }, membersOnlyToo = false): Promise<number> {
  const row = await publicOutboxPosts(db, actor, membersOnlyToo)
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every post of a thread, oldest first. */
export async function listThread(db: Db, threadUri: string, viewerId: string | null): Promise<PostEntry[]> {
  const rows = await db.selectFrom("posts").selectAll().where("thread_uri", "=", threadUri).orderBy("published_at").orderBy("id").execute();
  return hydrate(db, rows, viewerId);
}

/**
 * A page of a thread in the order it was written, after the post `afterId`
 * (the first posts without it), at most `limit` rows: a page and one more
 * (ADR 0056). The cursor is a post id; its place is read in the same query.
 */
export async function listThreadAfter(db: Db, threadUri: string, viewerId: string | null, afterId: string | undefined, limit: number): Promise<PostEntry[]> {
  let query = db.selectFrom("posts").selectAll().where("thread_uri", "=", threadUri);
  if (afterId !== undefined) {
    query = query.where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple("published_at", "id"),
        ">",
        selectFrom("posts as after").select(["after.published_at", "after.id"]).where("after.id", "=", afterId).$asTuple("published_at", "id"),
      ),
    );
  }
  return hydrate(db, await query.orderBy("published_at").orderBy("id").limit(limit).execute(), viewerId);
}

export async function listPostEdits(db: Db, postId: string) {
  return db.selectFrom("post_edits").selectAll().where("post_id", "=", postId).orderBy("edited_at").execute();
}

export async function countLocalPosts(db: Db): Promise<number> {
  const row = await db
    .selectFrom("posts")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("is_local", "=", true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Groups a post was shared into. */
export async function listShareGroups(db: Db, postId: string): Promise<string[]> {
  const rows = await db.selectFrom("post_shares").select("group_id").where("post_id", "=", postId).execute();
  return rows.map((r) => r.group_id);
}

export async function postsByUris(db: Db, uris: string[]): Promise<Array<{ id: string; uri: string; author_id: string }>> {
  if (uris.length === 0) return [];
  return db.selectFrom("posts").select(["id", "uri", "author_id"]).where("uri", "in", uris).execute();
}

export async function actorsByUris(db: Db, uris: string[]): Promise<ActorRow[]> {
  if (uris.length === 0) return [];
  return db.selectFrom("actors").selectAll().where("uri", "in", uris).execute();
}

/**
 * Boosts by the actors a viewer follows (and the viewer's own), newest first:
 * read per booster on reblogs_actor_idx (a lateral join), so a viewer whose
 * followees boost rarely does not walk every boost (ADR 0113). As the home
 * timeline's followed posts (see followedAccountsBranch in timeline.queries.ts),
 * the reads are cut by a floor: each booster's newest boost within the bounds
 * (`home_boost_newest`), and the limit-th newest of those; the page holds none
 * below it, so only the boosters who reach it are read further, each down to
 * it. Without it every booster was read up to the page's limit (400 boosts for
 * the bench's 20 groups, sorted to keep 20).
 */
export async function reblogsForHome(db: Db, viewerId: string, bounds: { maxId?: string | undefined; sinceId?: string | undefined; limit: number }) {
  const kdb = db as Kysely<Database>;
  // Neither a boost by someone hidden from the viewer nor one of a hidden author's post.
  const hidden = () => hiddenAuthorIds(kdb, viewerId);
  const boosters = kdb
    .selectFrom("follows")
    .select("followee_id as id")
    .where("follower_id", "=", viewerId)
    .where("state", "=", "accepted")
    .union(kdb.selectFrom("actors").select("id").where("id", "=", viewerId));
  // A booster's boosts, newest first; `actorId` is the outer row's column (the lateral join's).
  const boostsOf = (actorId: string, limit: number) =>
    kdb
      .selectFrom("reblogs")
      .selectAll("reblogs")
      .where("reblogs.actor_id", "=", sql.ref<string>(actorId))
      .where("reblogs.post_id", "not in", kdb.selectFrom("posts").select("id").where("author_id", "in", hidden()))
      .$if(bounds.maxId !== undefined, (q) => q.where("reblogs.id", "<", bounds.maxId!))
      .$if(bounds.sinceId !== undefined, (q) => q.where("reblogs.id", ">", bounds.sinceId!))
      .orderBy("reblogs.id", "desc")
      .limit(limit);
  const withNewest = kdb.with("home_boost_newest", (qc) =>
    qc
      .selectFrom(boosters.as("boosters"))
      .innerJoinLateral(
        () => boostsOf("boosters.id", 1).as("r"),
        (join) => join.onTrue(),
      )
      .select(["boosters.id as actor_id", "r.id"])
      .where("boosters.id", "not in", hidden()),
  );
  const floor = pageFloor("home_boost_newest", bounds.limit);
  const rows = await withNewest
    .selectFrom("home_boost_newest")
    .innerJoinLateral(
      () => boostsOf("home_boost_newest.actor_id", bounds.limit).where("reblogs.id", ">=", floor).as("r"),
      (join) => join.onTrue(),
    )
    .selectAll("r")
    // The boosted post comes with its boost: no second statement for the posts the page does not hold.
    .select((eb) => jsonObjectFrom(eb.selectFrom("posts").selectAll("posts").whereRef("posts.id", "=", "r.post_id")).as("post"))
    .where("home_boost_newest.id", ">=", floor)
    .orderBy("r.id", "desc")
    .limit(bounds.limit)
    .execute();
  return rows.map(({ post, ...boost }) => ({ ...boost, post: post ? postRowFromJson(post) : null }));
}

/** A posts row read as JSON (a sub-select): its timestamps come back as text. */
function postRowFromJson(
  post: Omit<PostRow, "published_at" | "edited_at" | "created_at"> & {
    published_at: string | Date;
    edited_at: string | Date | null;
    created_at: string | Date;
  },
): PostRow {
  return {
    ...post,
    published_at: new Date(post.published_at),
    edited_at: post.edited_at === null ? null : new Date(post.edited_at),
    created_at: new Date(post.created_at),
  };
}

export async function reblogsByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("reblogs").selectAll().where("id", "in", ids).execute();
}

/** Who liked or boosted a post. */
export async function actorsWhoLiked(db: Db, postId: string): Promise<ActorRow[]> {
  return db
    .selectFrom("likes")
    .innerJoin("actors", "actors.id", "likes.actor_id")
    .selectAll("actors")
    .where("likes.post_id", "=", postId)
    .orderBy("likes.created_at", "desc")
    .limit(80)
    .execute();
}

export async function actorsWhoReblogged(db: Db, postId: string): Promise<ActorRow[]> {
  return db
    .selectFrom("reblogs")
    .innerJoin("actors", "actors.id", "reblogs.actor_id")
    .selectAll("actors")
    .where("reblogs.post_id", "=", postId)
    .orderBy("reblogs.id", "desc")
    .limit(80)
    .execute();
}

export async function actorsByIds(db: Db, ids: string[]): Promise<ActorRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("actors").selectAll().where("id", "in", ids).execute();
}

/** Posts edited since a moment (newest edits last), for streaming clients. */
export async function postsEditedSince(db: Db, since: Date, limit = 40): Promise<PostRow[]> {
  return db.selectFrom("posts").selectAll().where("edited_at", ">", since).orderBy("edited_at").limit(limit).execute();
}
