// What a streaming client should hear about since it last asked: new items
// of its streams, notifications, edits and deletions. The streaming server
// polls this about once a second per connection; reading the database rather
// than process memory means every process sharing the database can serve
// any client.
import { deletedPostIdsSince } from "../../db/repos/post.repo.ts";
import { postsEditedSince } from "../../db/queries/post.queries.ts";
import { newId } from "../../domain/ids.ts";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { getNotifications } from "../notification.service.ts";
import { getListTimeline } from "../accounts/list.service.ts";
import { viewerOf, visiblePostIds } from "../visibility.service.ts";
import { getHomeItems, getPostEntries, getPublicTimeline, getTagTimeline, type HomeItem, type PostEntry } from "./timeline.service.ts";

export type StreamName = "user" | "user:notification" | "public" | "public:local" | "public:remote" | "hashtag" | "hashtag:local" | "list";

export const STREAMS: readonly StreamName[] = ["user", "user:notification", "public", "public:local", "public:remote", "hashtag", "hashtag:local", "list"];

export interface Subscription {
  stream: StreamName;
  tag?: string | undefined;
  /** The list of a `list` stream; without one the stream stays quiet. */
  list?: string | undefined;
  /** Items newer than this id are news. */
  since: string;
  /** Whether the user stream carries notifications too (the token has read:notifications). */
  notifications: boolean;
}

export function subscribe(stream: string, tag?: string, list?: string, options: { notifications?: boolean } = {}): Subscription {
  if (!(STREAMS as readonly string[]).includes(stream)) throw validationFailed(`Unknown stream "${stream}"`);
  if (stream.startsWith("hashtag") && !tag) throw validationFailed("The hashtag stream needs a tag");
  return { stream: stream as StreamName, tag: tag?.replace(/^#/, "").toLowerCase(), list, since: newId(), notifications: options.notifications ?? true };
}

export type StreamNews =
  | { event: "update"; item: HomeItem }
  | { event: "notification"; id: string }
  | { event: "delete"; postId: string }
  | { event: "status.update"; entry: PostEntry };

export async function pollSubscription(ctx: ServiceContext, viewerId: string | null, sub: Subscription): Promise<StreamNews[]> {
  const bounds = { sinceId: sub.since, limit: 40 };
  const news: StreamNews[] = [];
  let newest = sub.since;
  const seen = (id: string) => {
    if (id > newest) newest = id;
  };
  switch (sub.stream) {
    case "user":
    case "user:notification": {
      if (!viewerId) break;
      if (sub.stream === "user") {
        for (const item of (await getHomeItems(ctx, viewerId, bounds)).reverse()) {
          news.push({ event: "update", item });
          seen(item.id);
        }
      }
      if (!sub.notifications) break;
      for (const n of (await getNotifications(ctx, viewerId, bounds)).reverse()) {
        news.push({ event: "notification", id: n.id });
        seen(n.id);
      }
      break;
    }
    case "public":
    case "public:local":
    case "public:remote":
    case "hashtag":
    case "hashtag:local": {
      const entries = sub.stream.startsWith("hashtag")
        ? await getTagTimeline(ctx, viewerId, sub.tag!, bounds)
        : await getPublicTimeline(ctx, viewerId, { local: sub.stream === "public:local", remote: sub.stream === "public:remote" }, bounds);
      for (const entry of entries.reverse()) {
        if (sub.stream === "hashtag:local" && !entry.post.is_local) continue;
        news.push({ event: "update", item: { kind: "post", id: entry.post.id, entry } });
        seen(entry.post.id);
      }
      break;
    }
    case "list": {
      if (!viewerId || !sub.list) break;
      // Someone else's list (or a deleted one) is not found: nothing to stream.
      const entries = await getListTimeline(ctx, viewerId, sub.list, bounds).catch(() => []);
      for (const entry of entries.reverse()) {
        news.push({ event: "update", item: { kind: "post", id: entry.post.id, entry } });
        seen(entry.post.id);
      }
      break;
    }
  }
  sub.since = newest;
  return news;
}

/** Deletions and edits since a moment, for the viewer. */
export async function pollChanges(ctx: ServiceContext, viewerId: string | null, since: Date): Promise<StreamNews[]> {
  const news: StreamNews[] = [];
  // News of a deletion goes only to those who could see the post (an old
  // tombstone without its audience is treated as members-only).
  const deleted = await deletedPostIdsSince(ctx.db, since);
  const facts = deleted.map((d) => ({ id: d.postId, author_id: d.authorId ?? "", group_id: d.groupId, visibility: d.visibility ?? ("members_only" as const) }));
  const mayHear = await visiblePostIds(ctx, viewerOf(viewerId), facts);
  for (const d of deleted) if (mayHear.has(d.postId)) news.push({ event: "delete", postId: d.postId });
  const edited = [...(await visiblePostIds(ctx, viewerOf(viewerId), await postsEditedSince(ctx.db, since)))];
  for (const entry of await getPostEntries(ctx, viewerId, edited)) news.push({ event: "status.update", entry });
  return news;
}
