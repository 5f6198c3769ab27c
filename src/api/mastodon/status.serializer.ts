// Our posts as Mastodon Status entities (docs.joinmastodon.org/entities/Status).
// Members-only group posts are "private": apps show a lock and never boost them.
import { toMastodonPoll, type MastodonPoll } from "./poll.serializer.ts";
import type { AccountStats, MentionedActor, PostEntry } from "../../services/posts/timeline.service.ts";
import { toMastodonAccount, type MastodonAccount } from "./account.serializer.ts";
import { toMastodonMedia, type MastodonMedia } from "./media.serializer.ts";

export interface MastodonStatus {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: MastodonAccount;
  content: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MastodonMedia[];
  application: null;
  mentions: Array<{ id: string; username: string; url: string; acct: string }>;
  tags: Array<{ name: string; url: string }>;
  emojis: never[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: MastodonStatus | null;
  poll: MastodonPoll | null;
  card: null;
  language: string | null;
  text: string | null;
  favourited: boolean;
  reblogged: boolean;
  muted: boolean;
  bookmarked: boolean;
  pinned: boolean;
  filtered: unknown[];
}

export interface StatusContext {
  origin: URL;
  stats: Map<string, AccountStats>;
  /** Local ids of posts replied to, by URI, and their authors. */
  parents: Map<string, { id: string; authorId: string }>;
  mentioned: Map<string, MentionedActor>;
}

export function toMastodonStatus(entry: PostEntry, c: StatusContext): MastodonStatus {
  const { post } = entry;
  const parent = post.in_reply_to_uri ? c.parents.get(post.in_reply_to_uri) : undefined;
  // An Article's title leads its content, as Mastodon shows Lemmy posts.
  const content = post.title
    ? `<p><strong>${post.title.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)}</strong></p>${post.content_html}`
    : post.content_html;
  return {
    id: post.id,
    uri: post.uri,
    url: post.url ?? post.uri,
    created_at: post.published_at.toISOString(),
    edited_at: post.edited_at?.toISOString() ?? null,
    account: toMastodonAccount(entry.author, c.stats.get(entry.author.id), c.origin),
    content,
    visibility: post.visibility === "members_only" ? "private" : post.visibility,
    // Mastodon marks a status with a content warning sensitive.
    sensitive: post.sensitive || Boolean(post.summary),
    spoiler_text: post.summary ?? "",
    media_attachments: entry.media.map((m) => toMastodonMedia(m, c.origin)),
    application: null,
    mentions: entry.mentions
      .map((uri) => c.mentioned.get(uri))
      .filter((a): a is MentionedActor => a !== undefined)
      .map((a) => ({ id: a.id, username: a.username, url: a.url ?? a.uri, acct: a.is_local ? a.username : `${a.username}@${a.domain}` })),
    tags: entry.tags.map((name) => ({ name, url: new URL(`/tags/${encodeURIComponent(name)}`, c.origin).href })),
    emojis: [],
    reblogs_count: entry.reblogCount,
    favourites_count: entry.likeCount,
    replies_count: entry.replyCount,
    in_reply_to_id: parent?.id ?? null,
    in_reply_to_account_id: parent?.authorId ?? null,
    reblog: null,
    poll: entry.poll ? toMastodonPoll(entry.poll) : null,
    card: null,
    language: post.language,
    text: null,
    favourited: entry.likedByViewer,
    reblogged: entry.rebloggedByViewer,
    muted: false,
    bookmarked: entry.bookmarkedByViewer,
    pinned: entry.pinnedByViewer,
    filtered: [],
  };
}

/** A boost, as Mastodon shows it: a status of the booster wrapping the original. */
export function toMastodonBoost(boost: { id: string; createdAt: Date; by: MastodonAccount }, original: MastodonStatus): MastodonStatus {
  return {
    ...original,
    id: boost.id,
    uri: `${original.uri}#boost-${boost.id}`,
    url: original.url,
    created_at: boost.createdAt.toISOString(),
    edited_at: null,
    account: boost.by,
    content: "",
    spoiler_text: "",
    mentions: [],
    tags: [],
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    reblog: original,
    reblogs_count: 0,
    favourites_count: 0,
    replies_count: 0,
  };
}
