// Reads of posts with what a viewer needs beside each: author, counts, and
// whether the viewer liked it — computed in batch, never one query per row.
import { pollsOf, type PollFacts } from "./poll.queries.ts";
import { sql, type Kysely, type Transaction } from "kysely";
import type { ActorRow, Database, MediaRow, PostRow } from "../schema.ts";
import { hiddenAuthorIds } from "./hidden.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface PostEntry {
  post: PostRow;
  author: ActorRow;
  group: ActorRow | null;
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
}

export async function hydrate(db: Db, posts: PostRow[], viewerId: string | null): Promise<PostEntry[]> {
  if (posts.length === 0) return [];
  const ids = posts.map((p) => p.id);
  const uris = posts.map((p) => p.uri);
  const actorIds = [...new Set(posts.flatMap((p) => [p.author_id, ...(p.group_id ? [p.group_id] : [])]))];
  const none = Promise.resolve([] as Array<{ post_id: string }>);
  // Read beside the rest (one statement when none of these posts has a poll).
  const pollsRead = pollsOf(db, ids, viewerId);
  // Its error is raised where it is awaited; this only keeps it from counting as unhandled if the others fail first.
  pollsRead.catch(() => undefined);
  const [actors, likeCounts, replyCounts, liked, tags, mentions, reblogCounts, reblogged, media, bookmarked, pinned] = await Promise.all([
    db.selectFrom("actors").selectAll().where("id", "in", actorIds).execute(),
    db
      .selectFrom("likes")
      .select(["post_id", sql<number>`count(*)::int`.as("n")])
      .where("post_id", "in", ids)
      .groupBy("post_id")
      .execute(),
    db
      .selectFrom("posts")
      .select(["in_reply_to_uri", sql<number>`count(*)::int`.as("n")])
      .where("in_reply_to_uri", "in", uris)
      .groupBy("in_reply_to_uri")
      .execute(),
    viewerId
      ? db.selectFrom("likes").select("post_id").where("post_id", "in", ids).where("actor_id", "=", viewerId).execute()
      : Promise.resolve([] as Array<{ post_id: string }>),
    db.selectFrom("post_tags").select(["post_id", "tag"]).where("post_id", "in", ids).execute(),
    db
      .selectFrom("post_mentions")
      .leftJoin("actors", "actors.uri", "post_mentions.actor_uri")
      .select(["post_mentions.post_id", "post_mentions.actor_uri", "actors.username", "actors.domain"])
      .where("post_mentions.post_id", "in", ids)
      .execute(),
    db
      .selectFrom("reblogs")
      .select(["post_id", sql<number>`count(*)::int`.as("n")])
      .where("post_id", "in", ids)
      .groupBy("post_id")
      .execute(),
    viewerId
      ? db.selectFrom("reblogs").select("post_id").where("post_id", "in", ids).where("actor_id", "=", viewerId).execute()
      : Promise.resolve([] as Array<{ post_id: string }>),
    db.selectFrom("media_attachments").selectAll().where("post_id", "in", ids).orderBy("position").execute(),
    viewerId ? db.selectFrom("bookmarks").select("post_id").where("post_id", "in", ids).where("actor_id", "=", viewerId).execute() : none,
    viewerId ? db.selectFrom("status_pins").select("post_id").where("post_id", "in", ids).where("actor_id", "=", viewerId).execute() : none,
  ]);
  const polls = await pollsRead;
  const bookmarkedSet = new Set(bookmarked.map((r) => r.post_id));
  const pinnedSet = new Set(pinned.map((r) => r.post_id));
  const reblogs = new Map(reblogCounts.map((r) => [r.post_id, Number(r.n)]));
  const rebloggedSet = new Set(reblogged.map((r) => r.post_id));
  const actorById = new Map(actors.map((a) => [a.id, a]));
  const likes = new Map(likeCounts.map((r) => [r.post_id, Number(r.n)]));
  const replies = new Map(replyCounts.map((r) => [r.in_reply_to_uri!, Number(r.n)]));
  const likedSet = new Set(liked.map((r) => r.post_id));
  return posts.map((post) => ({
    post,
    author: actorById.get(post.author_id)!,
    group: post.group_id ? (actorById.get(post.group_id) ?? null) : null,
    likeCount: likes.get(post.id) ?? 0,
    replyCount: replies.get(post.uri) ?? 0,
    likedByViewer: likedSet.has(post.id),
    reblogCount: reblogs.get(post.id) ?? 0,
    rebloggedByViewer: rebloggedSet.has(post.id),
    bookmarkedByViewer: bookmarkedSet.has(post.id),
    pinnedByViewer: pinnedSet.has(post.id),
    tags: tags.filter((t) => t.post_id === post.id).map((t) => t.tag),
    mentions: mentions.filter((m) => m.post_id === post.id).map((m) => m.actor_uri),
    mentionHandles: Object.fromEntries(
      mentions.filter((m) => m.post_id === post.id && m.username && m.domain).map((m) => [m.actor_uri, `@${m.username}@${m.domain}`]),
    ),
    media: media.filter((m) => m.post_id === post.id),
    poll: polls.get(post.id) ?? null,
  }));
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
  // The group's own posts and the ones members shared into it.
  let query = db
    .selectFrom("posts")
    .selectAll()
    .where((eb) =>
      eb.or([eb("group_id", "=", groupId), eb("id", "in", eb.selectFrom("post_shares").select("post_id").where("post_shares.group_id", "=", groupId))]),
    )
    .where("in_reply_to_uri", "is", null)
    .orderBy("id", "desc")
    .limit(options.limit + 1);
  if (options.cursor) query = query.where("id", "<", options.cursor);
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

/** Boosts by the actors a viewer follows (and the viewer's own), newest first. */
export async function reblogsForHome(db: Db, viewerId: string, bounds: { maxId?: string | undefined; sinceId?: string | undefined; limit: number }) {
  const followed = db.selectFrom("follows").select("followee_id").where("follower_id", "=", viewerId).where("state", "=", "accepted");
  // Neither a boost by someone hidden from the viewer nor one of a hidden author's post.
  const hidden = hiddenAuthorIds(db as Kysely<Database>, viewerId);
  let query = db
    .selectFrom("reblogs")
    .selectAll()
    .where((eb) => eb.or([eb("actor_id", "in", followed), eb("actor_id", "=", viewerId)]))
    .where("actor_id", "not in", hidden)
    .where("post_id", "not in", db.selectFrom("posts").select("id").where("author_id", "in", hidden));
  if (bounds.maxId) query = query.where("id", "<", bounds.maxId);
  if (bounds.sinceId) query = query.where("id", ">", bounds.sinceId);
  return query.orderBy("id", "desc").limit(bounds.limit).execute();
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
