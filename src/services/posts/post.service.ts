// Posts in groups (and on a member's own profile): write, reply, edit,
// delete, like. The API and the inbox share these functions and their rules.
import type { Transaction } from "kysely";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import {
  deleteLike,
  deletePostRow,
  postMentionUris,
  findLike,
  findPostById,
  findPostByUri,
  insertLike,
  insertPost,
  insertPostMentions,
  insertPostTags,
  insertTombstone,
  isTombstoned,
  setPostLocked,
  updatePostContent,
} from "../../db/repos/post.repo.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { hydrate, listGroupPosts, listPostEdits, listShareGroups, listThread, type PostEntry } from "../../db/queries/post.queries.ts";
import type { ActorRow, Database, MediaRow, PostRow } from "../../db/schema.ts";
import { narrowestOf, type Audience } from "../../domain/post-audience.rules.ts";
import { recordConversationPost } from "./conversation.service.ts";
import { checkNewPoll, type NewPoll } from "../../domain/poll.rules.ts";
import { insertPoll } from "../../db/repos/poll.repo.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { assertCanEditInGroup, assertCanModerate, assertCanPost, isMember, isModerator } from "../../domain/group.rules.ts";
import { newId, newActivityKey } from "../../domain/ids.ts";
import { assertCanDelete, assertCanEdit, checkPostText } from "../../domain/post.rules.ts";
import { requireLocalUserActor, resolveActor, toActorView, type ActorView } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake as commit } from "../commit.ts";
import { findGroup, membershipOf } from "../groups/group.service.ts";
import { lookupGroup, requireReadableContent, type GroupAccess } from "../groups/group-access.ts";
import { extractHashtags, extractMentionHandles, qualifyMention, renderText, type MentionLink } from "../html.ts";
import { renderMarkdown } from "../markdown.ts";
import { attachUploads } from "./media.service.ts";
import { recordGroupAnnounce } from "../groups/group-announce.ts";
import { notify, notifyMentions } from "../notification.service.ts";
import { canSeePost, filterVisiblePosts, readGroupTimeline, viewerOf, visibleActorIds } from "../visibility.service.ts";
import { auditActorOf, recordAudit } from "../organizations/audit.service.ts";

export interface PostView {
  id: string;
  uri: string;
  url: string | null;
  type: string;
  title: string | null;
  contentHtml: string;
  sourceText: string | null;
  summary: string | null;
  sensitive: boolean;
  language: string | null;
  visibility: PostRow["visibility"];
  author: ActorView;
  group: ActorView | null;
  inReplyToUri: string | null;
  threadUri: string;
  locked: boolean;
  publishedAt: string;
  editedAt: string | null;
  likeCount: number;
  replyCount: number;
  likedByMe: boolean;
  tags: string[];
  mentions: string[];
  /** Attached images, in order (their URL: media.service's mediaUrl). */
  media: MediaRow[];
}

export function toPostView(entry: PostEntry): PostView {
  const { post } = entry;
  return {
    id: post.id,
    uri: post.uri,
    url: post.url,
    type: post.type,
    title: post.title,
    contentHtml: post.content_html,
    sourceText: post.source_text,
    summary: post.summary,
    sensitive: post.sensitive,
    language: post.language,
    visibility: post.visibility,
    author: toActorView(entry.author),
    group: entry.group ? toActorView(entry.group) : null,
    inReplyToUri: post.in_reply_to_uri,
    threadUri: post.thread_uri,
    locked: post.locked,
    publishedAt: post.published_at.toISOString(),
    editedAt: post.edited_at?.toISOString() ?? null,
    likeCount: entry.likeCount,
    replyCount: entry.replyCount,
    likedByMe: entry.likedByViewer,
    tags: entry.tags,
    mentions: entry.mentions,
    media: entry.media,
  };
}

/** May this viewer read this post? (the one visibility rule, src/domain/visibility.rules.ts) */
export function canViewPost(ctx: ServiceContext, post: PostRow, viewerId: string | null): Promise<boolean> {
  return canSeePost(ctx, viewerOf(viewerId), post);
}

/**
 * The handles in a text that name someone the author may see: a handle the
 * one rule hides from the author (a secret group it is not in) stays plain
 * text, no link, no mention, no notification — as an unknown one does.
 */
async function resolveMentions(ctx: ServiceContext, authorId: string, text: string): Promise<Array<MentionLink & { actor: ActorRow }>> {
  const found: Array<MentionLink & { actor: ActorRow }> = [];
  for (const handle of extractMentionHandles(text).slice(0, 20)) {
    try {
      const actor = await resolveActor(ctx, qualifyMention(handle, ctx.origin.host));
      found.push({ handle, uri: actor.uri, url: actor.url ?? actor.uri, actor });
    } catch {
      // An unknown handle stays plain text.
    }
  }
  const visible = await visibleActorIds(
    ctx,
    viewerOf(authorId),
    found.map((m) => m.actor),
  );
  return found.filter((m) => visible.has(m.actor.id));
}

export interface NewPostInput {
  group?: string | undefined;
  inReplyTo?: string | undefined;
  content: string;
  title?: string | undefined;
  summary?: string | undefined;
  sensitive?: boolean | undefined;
  language?: string | undefined;
  mediaIds?: string[] | undefined;
  /** A poll under the text (Mastodon's, federated as a Question). */
  poll?: NewPoll | undefined;
  /** Outside groups, who the post is for (Mastodon's four audiences); public when not given. */
  visibility?: Audience | undefined;
  /** "markdown" from the web composer; plain text (Mastodon apps) otherwise. */
  format?: "markdown" | "text" | undefined;
}

function renderSource(ctx: ServiceContext, text: string, format: NewPostInput["format"], mentions: MentionLink[]): string {
  return format === "markdown" ? renderMarkdown(text, ctx.origin, mentions) : renderText(text, ctx.origin, mentions);
}

/** A local user writes a post in a group, or a reply anywhere they may read. */
export async function createPost(
  ctx: ServiceContext,
  username: string,
  input: NewPostInput,
  /** More writes in the same transaction (an idea's row…). */
  alsoInTransaction?: (trx: Transaction<Database>, postId: string) => Promise<void>,
): Promise<PostView> {
  const author = await requireLocalUserActor(ctx, username);
  checkPostText(input.content, input.title, (input.mediaIds?.length ?? 0) > 0);
  if (input.poll) checkNewPoll(input.poll);

  let groupId: string | null = null;
  let parent: PostRow | undefined;
  if (input.inReplyTo) {
    parent = /^\d{19}$/.test(input.inReplyTo) ? await findPostById(ctx.db, input.inReplyTo) : await findPostByUri(ctx.db, input.inReplyTo);
    if (!parent || !(await canViewPost(ctx, parent, author.id))) throw notFound("The post you reply to does not exist");
    // A direct reply is a private word to the people it mentions, not a post in the thread's group.
    groupId = input.visibility === "direct" ? null : await replyGroup(ctx, parent, author.id);
  } else if (input.group) {
    groupId = (await findGroup(ctx, input.group, author.id)).actor.id;
  }

  let visibility: PostRow["visibility"] = narrowestOf(input.visibility ?? "public", parent?.visibility);
  if (groupId) {
    const group = (await findGroupByActorId(ctx.db, groupId))!;
    const membership = await membershipOf(ctx, groupId, author.id);
    assertCanPost(membership, { threadLocked: parent?.locked ?? false });
    // A remote group's visibility is not ours to know: never address its
    // posts to Public (its home instance relays them as it sees fit).
    visibility = group.actor.is_local && group.group.visibility === "public" ? "public" : "members_only";
    if (visibility === "public" && input.visibility === "private") {
      throw validationFailed("This group is public, so its posts are public: post with visibility public, or direct to write only to the people you mention");
    }
  }
  if (parent?.visibility === "members_only" && visibility !== "direct") visibility = "members_only";

  const mentions = await resolveMentions(ctx, author.id, input.content);
  const id = newId();
  const title = input.title?.trim() || null;
  // A poll is served as a Question, at its own path (one object type per path).
  const uri = new URL(`/${title ? "articles" : input.poll ? "polls" : "posts"}/${id}`, ctx.origin).href;
  await commit(ctx, async (trx) => {
    await insertPost(trx, {
      id,
      uri,
      author_id: author.id,
      group_id: groupId,
      in_reply_to_uri: parent?.uri ?? null,
      thread_uri: parent?.thread_uri ?? uri,
      type: title ? "Article" : "Note",
      title,
      content_html: renderSource(ctx, input.content, input.format, mentions),
      source_text: input.content,
      summary: input.summary?.trim() || null,
      sensitive: input.sensitive ?? false,
      language: input.language ?? null,
      url: uri,
      visibility,
      is_local: true,
      published_at: new Date(),
      raw: null,
    });
    await attachUploads(trx, id, author.id, input.mediaIds ?? []);
    if (input.poll) {
      const { options, multiple, hideTotals, expiresInSeconds } = input.poll;
      await insertPoll(trx, {
        postId: id,
        options: options.map((o) => o.trim()),
        multiple,
        hideTotals,
        expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
      });
    }
    if (groupId) await recordGroupAnnounce(trx, id, groupId, `${uri}#group-announce`);
    await insertPostTags(trx, id, extractHashtags(input.content));
    await insertPostMentions(
      trx,
      id,
      mentions.map((m) => m.uri),
    );
    await recordConversationPost(
      trx,
      { visibility, thread_uri: parent?.thread_uri ?? uri, author_id: author.id },
      mentions.map((m) => m.uri),
    );
    await notifyMentions(
      trx,
      mentions.map((m) => m.uri),
      author.id,
      id,
    );
    // A reply reaches the person replied to even when the text does not name
    // them (as a mention: the type Mastodon apps know; pages call it a reply).
    if (parent && !mentions.some((m) => m.actor.id === parent.author_id)) {
      await notify(trx, { recipientId: parent.author_id, type: "mention", fromId: author.id, postId: id });
    }
    await alsoInTransaction?.(trx, id);
    await recordOutboxEvent(trx, { type: "post.created", postId: id });
  });
  return (await getPost(ctx, id, author.id))!;
}

/**
 * A post written by one of our groups itself (an idea's status answer, a
 * task's companion note): top-level or a reply in the group, mentioning whom
 * it concerns, with tags peers read. `content` is plain text; handles in it
 * that are in `mentions` become links.
 */
export async function createGroupReply(
  ctx: ServiceContext,
  group: ActorRow,
  input: {
    inReplyTo?: PostRow | undefined;
    content: string;
    mentionUris: string[];
    tags: string[];
    mentions?: MentionLink[];
    /** Who caused it: their notification comes from them, and they get none for their own action. */
    causedById?: string | undefined;
  },
  alsoInTransaction?: (trx: Transaction<Database>, postId: string) => Promise<void>,
): Promise<string> {
  const id = newId();
  const uri = new URL(`/posts/${id}`, ctx.origin).href;
  let visibility = input.inReplyTo?.visibility;
  if (!visibility) {
    const row = await findGroupByActorId(ctx.db, group.id);
    visibility = row?.group.visibility === "public" ? "public" : "members_only";
  }
  await commit(ctx, async (trx) => {
    await insertPost(trx, {
      id,
      uri,
      author_id: group.id,
      group_id: group.id,
      in_reply_to_uri: input.inReplyTo?.uri ?? null,
      thread_uri: input.inReplyTo?.thread_uri ?? uri,
      type: "Note",
      title: null,
      content_html: renderText(input.content, ctx.origin, input.mentions ?? []),
      source_text: input.content,
      summary: null,
      sensitive: false,
      language: null,
      url: uri,
      visibility,
      is_local: true,
      published_at: new Date(),
      raw: null,
    });
    await insertPostTags(trx, id, input.tags);
    await insertPostMentions(trx, id, input.mentionUris);
    await notifyMentions(trx, input.mentionUris, input.causedById ?? group.id, id);
    await alsoInTransaction?.(trx, id);
    await recordOutboxEvent(trx, { type: "post.created", postId: id });
  });
  return id;
}

/** Rewrites a post one of our groups wrote (a task's companion note after a change). */
export async function editGroupPost(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  postUri: string,
  input: { content: string; mentionUris: string[]; mentions: MentionLink[] },
): Promise<void> {
  const post = await findPostByUri(trx, postUri);
  if (!post || !post.is_local) return;
  await updatePostContent(trx, post, {
    title: post.title,
    contentHtml: renderText(input.content, ctx.origin, input.mentions),
    sourceText: input.content,
    summary: post.summary,
    editedAt: new Date(),
  });
  await insertPostMentions(trx, post.id, input.mentionUris);
  await recordOutboxEvent(trx, { type: "post.updated", postId: post.id });
}

/**
 * The group a reply is written in: the parent's own group, or — for a post
 * shared into another group — the group where the replier met it. Either
 * way the reply joins the one original thread.
 */
async function replyGroup(ctx: ServiceContext, parent: PostRow, authorId: string): Promise<string | null> {
  if (parent.group_id && isMember(await membershipOf(ctx, parent.group_id, authorId))) return parent.group_id;
  for (const groupId of await listShareGroups(ctx.db, parent.id)) {
    if (isMember(await membershipOf(ctx, groupId, authorId))) return groupId;
  }
  return parent.group_id;
}

async function requireVisiblePost(ctx: ServiceContext, postId: string, viewerId: string | null): Promise<PostRow> {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, viewerId))) throw notFound(`No post ${postId}`);
  return post;
}

export async function getPost(ctx: ServiceContext, postId: string, viewerId: string | null): Promise<PostView | null> {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, viewerId))) return null;
  return viewOfVisiblePost(ctx, post, viewerId);
}

/**
 * The view of a post this request has already checked the viewer may see
 * (requireVisiblePost): a like answers with the post, and asking the rule
 * again after the write was a second read of the same facts per like.
 */
async function viewOfVisiblePost(ctx: ServiceContext, post: PostRow, viewerId: string | null): Promise<PostView> {
  const [entry] = await hydrate(ctx.db, [post], viewerId);
  return toPostView(entry!);
}

export async function editPost(
  ctx: ServiceContext,
  username: string,
  postId: string,
  input: { content: string; title?: string | undefined; summary?: string | undefined; format?: NewPostInput["format"] },
  /** More writes in the same transaction (a question's acceptance…). */
  alsoInTransaction?: (trx: Transaction<Database>) => Promise<void>,
): Promise<PostView> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await requireVisiblePost(ctx, postId, user.id);
  assertCanEdit(post.author_id === user.id);
  if (post.group_id) assertCanEditInGroup(await membershipOf(ctx, post.group_id, user.id));
  checkPostText(input.content, input.title);
  const mentions = await resolveMentions(ctx, user.id, input.content);
  await commit(ctx, async (trx) => {
    await updatePostContent(trx, post, {
      title: input.title?.trim() || post.title,
      contentHtml: renderSource(ctx, input.content, input.format, mentions),
      sourceText: input.content,
      summary: input.summary?.trim() ?? post.summary,
      editedAt: new Date(),
    });
    await alsoInTransaction?.(trx);
    await recordOutboxEvent(trx, { type: "post.updated", postId: post.id });
  });
  return (await getPost(ctx, post.id, user.id))!;
}

export async function deletePost(ctx: ServiceContext, username: string, postId: string): Promise<void> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await requireVisiblePost(ctx, postId, user.id);
  const moderator = post.group_id ? isModerator(await membershipOf(ctx, post.group_id, user.id)) : false;
  assertCanDelete(post.author_id === user.id, moderator);
  const removal = post.author_id !== user.id;
  if (removal && post.group_id && !(await findGroupByActorId(ctx.db, post.group_id))?.actor.is_local) {
    throw validationFailed("Moderate a remote group's posts on the group's own instance");
  }
  // Who was named: a direct or followers-only post's Delete goes to them (the rows go with the post).
  const mentionUris = post.visibility === "public" ? [] : await postMentionUris(ctx.db, post.id);
  await commit(ctx, async (trx) => {
    await deletePostRow(trx, post.id);
    await insertTombstone(trx, post.uri, post);
    // The author deletes their post; a moderator removes it from the group
    // (the group tells its members, the author's instance included).
    await recordOutboxEvent(
      trx,
      removal && post.group_id
        ? { type: "post.removed", postUri: post.uri, groupId: post.group_id, authorId: post.author_id }
        : { type: "post.deleted", postUri: post.uri, authorId: post.author_id, groupId: post.group_id, visibility: post.visibility, mentionUris },
    );
    if (removal) await recordAudit(trx, auditActorOf(user), { action: "post.removed", target: post.uri, groupId: post.group_id });
  });
}

export async function likePost(ctx: ServiceContext, username: string, postId: string): Promise<PostView> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await requireVisiblePost(ctx, postId, user.id);
  const likeUri = new URL(`/likes/${newActivityKey()}`, ctx.origin).href;
  await commit(ctx, async (trx) => {
    const created = await insertLike(trx, { postId: post.id, actorId: user.id, activityUri: likeUri });
    if (created) {
      await notify(trx, { recipientId: post.author_id, type: "favourite", fromId: user.id, postId: post.id });
      await recordOutboxEvent(trx, { type: "post.liked", postId: post.id, actorId: user.id, likeUri });
    }
  });
  return viewOfVisiblePost(ctx, post, user.id);
}

export async function unlikePost(ctx: ServiceContext, username: string, postId: string): Promise<PostView> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await requireVisiblePost(ctx, postId, user.id);
  await commit(ctx, async (trx) => {
    const like = await findLike(trx, post.id, user.id);
    if (!like) return;
    await deleteLike(trx, post.id, user.id);
    await recordOutboxEvent(trx, { type: "post.unliked", postId: post.id, actorId: user.id, likeUri: like.activity_uri });
  });
  return viewOfVisiblePost(ctx, post, user.id);
}

/**
 * The group's posts, for a request that needs nothing else of the group: the
 * group found once, then the page, then the rule asked about the group and
 * its posts on one read of the facts (404 when the group is hidden or its
 * content is: the same answers as `resolveGroupAccess` + `requireReadableContent`).
 */
export async function groupTimeline(ctx: ServiceContext, ref: string, viewerId: string | null, cursor: string | null, limit = 20) {
  const group = await lookupGroup(ctx, ref, viewerId);
  const page = await listGroupPosts(ctx.db, group.actor.id, { cursor, limit, viewerId });
  const read = await readGroupTimeline(ctx, viewerOf(viewerId), group.actor.id, page.items, (entry) => entry.post);
  if (!read.content) throw notFound(`No group ${ref}`);
  return { items: read.items.map(toPostView), nextCursor: page.nextCursor };
}

/** The group's posts for the request that resolved `access` (a page that also shows the group's tasks and companies). */
export async function groupTimelineOf(ctx: ServiceContext, access: GroupAccess, cursor: string | null, limit = 20) {
  const { group, viewerId } = requireReadableContent(access);
  const page = await listGroupPosts(ctx.db, group.actor.id, { cursor, limit, viewerId });
  const visible = await filterVisiblePosts(ctx, viewerOf(viewerId), page.items, (entry) => entry.post);
  return { items: visible.map(toPostView), nextCursor: page.nextCursor };
}

export async function getThread(ctx: ServiceContext, postId: string, viewerId: string | null): Promise<PostView[]> {
  const post = await requireVisiblePost(ctx, postId, viewerId);
  const entries = await listThread(ctx.db, post.thread_uri, viewerId);
  return (await filterVisiblePosts(ctx, viewerOf(viewerId), entries, (entry) => entry.post)).map(toPostView);
}

export async function getPostHistory(ctx: ServiceContext, postId: string, viewerId: string | null) {
  const post = await requireVisiblePost(ctx, postId, viewerId);
  const edits = await listPostEdits(ctx.db, post.id);
  return edits.map((e) => ({ title: e.title, contentHtml: e.content_html, editedAt: e.edited_at.toISOString() }));
}

export { isTombstoned };

/** A moderator locks or unlocks a thread: no more replies, but from moderators. */
export async function setThreadLocked(ctx: ServiceContext, username: string, postId: string, locked: boolean): Promise<PostView> {
  const user = await requireLocalUserActor(ctx, username);
  const post = await requireVisiblePost(ctx, postId, user.id);
  if (!post.group_id) throw validationFailed("Only posts in groups can be locked");
  const group = await findGroupByActorId(ctx.db, post.group_id);
  if (!group?.actor.is_local) throw validationFailed("Lock threads of a remote group on the group's own instance");
  assertCanModerate(await membershipOf(ctx, post.group_id, user.id));
  await setPostLocked(ctx.db, post.id, locked);
  return (await getPost(ctx, post.id, user.id))!;
}
