// Posts between our rows and ActivityStreams. `toPostObject` builds the Note
// or Article we serve and send; `fromPostObject` reads one from any server
// (Mastodon Note, Lemmy Page, Friendica, …) into what the services store.
import { Article, Collection, Document, Hashtag, Image, Mention, Note, Page, PUBLIC_COLLECTION, Source, type Object as APObject } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { PostEntry } from "../../db/queries/post.queries.ts";
import type { ActorRow, MediaRow, PostRow } from "../../db/schema.ts";
import type { IncomingPost } from "../../services/post-inbox.service.ts";

export interface PostContext {
  post: PostRow;
  author: ActorRow;
  group: ActorRow | null;
  mentionUris: string[];
  /** `@user@host` by URI: Mastodon-family servers need a named Mention to notify. */
  mentionHandles?: Record<string, string>;
  tags: string[];
  media: MediaRow[];
  origin: URL;
  /** The likes and shares we hold (for a post in one of our groups: the home's figures). */
  likeCount?: number;
  shareCount?: number;
}

/** The Note or Article of a hydrated post. */
export function postObjectOf(entry: PostEntry, origin: URL): Note | Article {
  return toPostObject({
    post: entry.post,
    author: entry.author,
    group: entry.group,
    mentionUris: entry.mentions,
    mentionHandles: entry.mentionHandles,
    tags: entry.tags,
    media: entry.media,
    origin,
    likeCount: entry.likeCount,
    shareCount: entry.reblogCount,
  });
}

/**
 * Who a post is addressed to. Members-only posts never include Public. The
 * people it mentions are in `cc`: Mastodon-family servers notify only
 * mentioned people the post is addressed to.
 */
export function addressing(post: PostRow, author: ActorRow, group: ActorRow | null, mentionUris: string[] = []): { to: URL[]; cc: URL[] } {
  const mentioned = mentionUris.map((u) => new URL(u));
  if (group) {
    const followers = new URL(group.followers_url ?? `${group.uri}/followers`);
    return post.visibility === "public"
      ? { to: [PUBLIC_COLLECTION, new URL(group.uri)], cc: [followers, ...mentioned] }
      : { to: [new URL(group.uri)], cc: [followers, ...mentioned] };
  }
  return { to: [PUBLIC_COLLECTION], cc: [new URL(author.followers_url ?? `${author.uri}/followers`), ...mentioned] };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * An idea's title, as the first line of its content: Mastodon-family servers
 * show `content` only, not an Article's `name`.
 */
function titleLine(title: string): string {
  return `<p><strong>${escapeHtml(title)}</strong></p>`;
}

/** Drops the title line `toPostObject` added, so a server that reads `name` does not show the title twice. */
function withoutTitleLine(content: string, title: string | null): string {
  if (!title) return content;
  const line = titleLine(title);
  return content.startsWith(line) ? content.slice(line.length) : content;
}

/**
 * A thread's FEP-7888 context: our collection for threads started here;
 * for a thread started elsewhere, its first post (we hold no collection of it).
 */
export function contextOf(threadUri: string, origin: URL): URL {
  const uri = new URL(threadUri);
  const local = uri.origin === origin.origin ? /^\/(?:posts|articles)\/([^/]+)$/.exec(uri.pathname) : null;
  return local ? new URL(`/contexts/${local[1]}`, origin) : uri;
}

export function toPostObject(c: PostContext): Note | Article {
  const { post, author, group } = c;
  const { to, cc } = addressing(post, author, group, c.mentionUris);
  const values = {
    id: new URL(post.uri),
    attribution: new URL(author.uri),
    content: post.type === "Article" && post.title ? titleLine(post.title) + post.content_html : post.content_html,
    ...(post.source_text ? { source: new Source({ content: post.source_text, mediaType: "text/plain" }) } : {}),
    summary: post.summary,
    sensitive: post.sensitive,
    url: new URL(post.url ?? post.uri),
    published: Temporal.Instant.fromEpochMilliseconds(post.published_at.getTime()),
    updated: post.edited_at ? Temporal.Instant.fromEpochMilliseconds(post.edited_at.getTime()) : null,
    replyTarget: post.in_reply_to_uri ? new URL(post.in_reply_to_uri) : null,
    // The thread: replies keep pointing at the one original thread.
    contexts: [contextOf(post.thread_uri, c.origin)],
    audience: group ? new URL(group.uri) : null,
    tos: to,
    ccs: cc,
    // The totals as Mastodon publishes them (`likes`/`shares` with totalItems),
    // so a server that fetches the post, or gets its Update, can show them.
    ...(c.likeCount !== undefined ? { likes: new Collection({ totalItems: c.likeCount }) } : {}),
    ...(c.shareCount !== undefined ? { shares: new Collection({ totalItems: c.shareCount }) } : {}),
    attachments: c.media.map(
      (m) =>
        new Document({
          url: new URL(m.remote_url ?? `/media/${m.file_name}`, c.origin),
          mediaType: m.mime_type,
          name: m.description,
          width: m.width,
          height: m.height,
        }),
    ),
    tags: [
      ...c.mentionUris.map((uri) => new Mention({ href: new URL(uri), name: c.mentionHandles?.[uri] ?? null })),
      ...c.tags.map(
        (tag) => new Hashtag({ href: new URL(`/tags/${encodeURIComponent(tag)}`, c.origin), name: `#${tag}` }),
      ),
    ],
  };
  return post.type === "Article" ? new Article({ ...values, name: post.title }) : new Note(values);
}

export function isPostObject(object: unknown): object is Note | Article | Page {
  return object instanceof Note || object instanceof Article || object instanceof Page;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

export async function fromPostObject(object: Note | Article | Page): Promise<IncomingPost | null> {
  if (!object.id || !object.attributionId) return null;
  const to = object.toIds.map((u) => u.href);
  const cc = object.ccIds.map((u) => u.href);
  const audience = object.audienceIds.map((u) => u.href);
  const mentions: string[] = [];
  const tags: string[] = [];
  for await (const tag of object.getTags({ suppressError: true })) {
    if (tag instanceof Mention && tag.href) mentions.push(tag.href.href);
    if (tag instanceof Hashtag && tag.name) tags.push(String(tag.name).replace(/^#/, "").toLowerCase());
  }
  const source = object.source;
  const attachments: IncomingPost["attachments"] = [];
  for await (const a of object.getAttachments({ suppressError: true })) {
    if (!(a instanceof Document) && !(a instanceof Image)) continue;
    const href = a.url instanceof URL ? a.url.href : (a.url?.href?.href ?? null);
    if (!href) continue;
    attachments.push({
      url: href,
      mediaType: a.mediaType ?? null,
      description: a.name?.toString() ?? null,
      width: a.width ?? null,
      height: a.height ?? null,
    });
  }
  const rawUrl = object.url instanceof URL ? object.url.href : (object.url?.href?.href ?? null);
  // A link people click: only http(s), never javascript: or data:.
  const url = rawUrl && /^https?:\/\//i.test(rawUrl) ? rawUrl : null;
  return {
    uri: object.id.href,
    type: object instanceof Article ? "Article" : object instanceof Page ? "Page" : "Note",
    authorUri: object.attributionId.href,
    title: object instanceof Note ? null : text(object.name),
    contentHtml: withoutTitleLine(text(object.content) ?? "", object instanceof Note ? null : text(object.name)),
    sourceText: source?.content ? String(source.content) : null,
    summary: text(object.summary),
    sensitive: object.sensitive ?? false,
    language: null,
    url,
    inReplyToUri: object.replyTargetId?.href ?? null,
    // FEP-1b12: `audience` names the group; older peers put it in to/cc.
    groupUris: [...audience, ...to, ...cc].filter((u) => u !== PUBLIC_COLLECTION.href),
    audienceUris: audience,
    isPublic: [...to, ...cc].some((u) => u === PUBLIC_COLLECTION.href || u === "as:Public" || u === "Public"),
    publishedAt: object.published ? new Date(object.published.epochMilliseconds) : new Date(),
    updatedAt: object.updated ? new Date(object.updated.epochMilliseconds) : null,
    mentionUris: mentions,
    tags,
    attachments,
  };
}

export type { APObject };
