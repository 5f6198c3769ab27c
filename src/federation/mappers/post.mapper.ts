// Posts between our rows and ActivityStreams. `toPostObject` builds the Note
// or Article we serve and send; `fromPostObject` reads one from any server
// (Mastodon Note, Lemmy Page, Friendica, …) into what the services store.
import {
  Article,
  Collection,
  Document,
  Hashtag,
  Image,
  Mention,
  Note,
  Page,
  PUBLIC_COLLECTION,
  Question,
  Source,
  type Object as APObject,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { showsTotals } from "../../domain/poll.rules.ts";
import type { PostEntry } from "../../db/queries/post.queries.ts";
import type { ActorCard, MediaRow, PostRow } from "../../db/schema.ts";
import type { IncomingPost } from "../../services/posts/post-inbox.service.ts";
import type { PollFacts } from "../../db/queries/poll.queries.ts";

export interface PostContext {
  post: PostRow;
  author: ActorCard;
  group: ActorCard | null;
  mentionUris: string[];
  /** `@user@host` by URI: Mastodon-family servers need a named Mention to notify. */
  mentionHandles?: Record<string, string>;
  tags: string[];
  media: MediaRow[];
  origin: URL;
  /** The likes and shares we hold (for a post in one of our groups: the home's figures). */
  likeCount?: number;
  shareCount?: number;
  poll?: PollFacts | null;
}

/** The Note, Article or (with a poll) Question of a hydrated post. */
export function postObjectOf(entry: PostEntry, origin: URL): Note | Article | Question {
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
    poll: entry.poll,
  });
}

/**
 * Who a post is addressed to. Members-only posts never include Public. The
 * people it mentions are in `cc`: Mastodon-family servers notify only
 * mentioned people the post is addressed to. Outside groups, the four
 * audiences are addressed as Mastodon addresses them (src/domain/post-audience.rules.ts).
 */
export function addressing(
  post: Pick<PostRow, "visibility">,
  author: ActorCard,
  group: ActorCard | null,
  mentionUris: string[] = [],
): { to: URL[]; cc: URL[] } {
  const mentioned = mentionUris.map((u) => new URL(u));
  if (group) {
    const followers = new URL(group.followers_url ?? `${group.uri}/followers`);
    return post.visibility === "public"
      ? { to: [PUBLIC_COLLECTION, new URL(group.uri)], cc: [followers, ...mentioned] }
      : { to: [new URL(group.uri)], cc: [followers, ...mentioned] };
  }
  const followers = new URL(author.followers_url ?? `${author.uri}/followers`);
  switch (post.visibility) {
    case "unlisted":
      return { to: [followers], cc: [PUBLIC_COLLECTION, ...mentioned] };
    case "private":
      return { to: [followers], cc: mentioned };
    // A members-only post that lost its group is for the people it names, never wider.
    case "direct":
    case "members_only":
      return { to: mentioned, cc: [] };
    case "public":
      return { to: [PUBLIC_COLLECTION], cc: [followers, ...mentioned] };
  }
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
  const local = uri.origin === origin.origin ? /^\/(?:posts|articles|polls)\/([^/]+)$/.exec(uri.pathname) : null;
  return local ? new URL(`/contexts/${local[1]}`, origin) : uri;
}

/** A poll as Mastodon federates it: each option a Note `name` with `replies.totalItems` its votes. */
function questionOf(values: ConstructorParameters<typeof Note>[0], poll: PollFacts): Question {
  // Hidden totals are hidden from other servers too until the poll ends (they show 0, as Mastodon's own do).
  const published = showsTotals(poll, false);
  const options = poll.options.map((name, i) => new Note({ name, replies: new Collection({ totalItems: published ? (poll.counts[i] ?? 0) : 0 }) }));
  const end = poll.closedAt ?? poll.expiresAt;
  return new Question({
    ...values,
    ...(poll.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: end ? Temporal.Instant.fromEpochMilliseconds(end.getTime()) : null,
    closed: poll.closedAt ? Temporal.Instant.fromEpochMilliseconds(poll.closedAt.getTime()) : null,
    voters: poll.votersCount,
  });
}

export function toPostObject(c: PostContext): Note | Article | Question {
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
          // A file without a description is named by its file name, as Mastodon shows `name`.
          name: m.description ?? m.original_name,
          width: m.width,
          height: m.height,
        }),
    ),
    tags: [
      ...c.mentionUris.map((uri) => new Mention({ href: new URL(uri), name: c.mentionHandles?.[uri] ?? null })),
      ...c.tags.map((tag) => new Hashtag({ href: new URL(`/tags/${encodeURIComponent(tag)}`, c.origin), name: `#${tag}` })),
    ],
  };
  if (c.poll) return questionOf(values, c.poll);
  return post.type === "Article" ? new Article({ ...values, name: post.title }) : new Note(values);
}

export function isPostObject(object: unknown): object is Note | Article | Page | Question {
  return object instanceof Note || object instanceof Article || object instanceof Page || object instanceof Question;
}

/** A Question's options, counts, end and voters, as its author states them. */
async function incomingPoll(q: Question): Promise<IncomingPost["poll"]> {
  const multiple = q.inclusiveOptionIds.length > 0 || (await first(q.getInclusiveOptions({ suppressError: true })));
  const options: string[] = [];
  const counts: number[] = [];
  for await (const o of multiple ? q.getInclusiveOptions({ suppressError: true }) : q.getExclusiveOptions({ suppressError: true })) {
    if (!(o instanceof Note) || !o.name) continue;
    options.push(String(o.name).slice(0, 200));
    const replies = await o.getReplies({ suppressError: true }).catch(() => null);
    counts.push(Math.max(0, Math.trunc(replies?.totalItems ?? 0)));
  }
  if (options.length < 2) return null;
  const closed = q.closed;
  return {
    options,
    counts,
    multiple: Boolean(multiple),
    voters: typeof q.voters === "number" ? Math.max(0, Math.trunc(q.voters)) : null,
    endTime: q.endTime ? new Date(q.endTime.epochMilliseconds) : null,
    // `closed` is a time or `true` (an instant from Fedify's own Temporal, so read by shape).
    closedAt: closed && typeof closed === "object" && "epochMilliseconds" in closed ? new Date(closed.epochMilliseconds) : closed === true ? new Date() : null,
  };
}

async function first(items: AsyncIterable<unknown>): Promise<boolean> {
  for await (const _ of items) return true;
  return false;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

export async function fromPostObject(object: Note | Article | Page | Question): Promise<IncomingPost | null> {
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
    title: object instanceof Note || object instanceof Question ? null : text(object.name),
    contentHtml: withoutTitleLine(text(object.content) ?? "", object instanceof Note || object instanceof Question ? null : text(object.name)),
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
    to,
    cc,
    poll: object instanceof Question ? await incomingPoll(object) : null,
    // Mastodon's vote: a Note with the option as `name`, no content, in reply to the Question.
    voteName: object instanceof Note && object.name && object.replyTargetId && !text(object.content) ? String(object.name) : null,
    publishedAt: object.published ? new Date(object.published.epochMilliseconds) : new Date(),
    updatedAt: object.updated ? new Date(object.updated.epochMilliseconds) : null,
    mentionUris: mentions,
    tags,
    attachments,
  };
}

export type { APObject };
