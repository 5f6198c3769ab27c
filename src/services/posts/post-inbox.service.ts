// Posts, edits, deletions and likes that arrive from other instances. When
// the group is ours, we are its home: the author must be a member (and not
// banned), and accepted activities are relayed to every member instance.
import { findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import {
  deleteLike,
  deleteLikeClaimedElsewhere,
  deletePostRow,
  findLikeByActivityUri,
  findPostById,
  findPostByUri,
  insertLike,
  insertPostMentions,
  insertPostTags,
  insertTombstone,
  updatePostContent,
} from "../../db/repos/post.repo.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { insertIncomingPost } from "../../db/repos/post-inbox.repo.ts";
import type { ActorRow, Database, PostRow } from "../../db/schema.ts";
import type { Transaction } from "kysely";
import { incomingPostRefusal, sameOrigin } from "../../domain/trust.rules.ts";
import { audienceFromAddressing } from "../../domain/post-audience.rules.ts";
import { recordConversationPost } from "./conversation.service.ts";
import { insertPoll, updateRemotePollCounts } from "../../db/repos/poll.repo.ts";
import { isPollPost, receiveVote } from "./poll.service.ts";
import { canSeePost, viewerOf } from "../visibility.service.ts";
import { forbidden } from "../../domain/errors.ts";
import { assertCanEditInGroup, assertCanPost, isModerator } from "../../domain/group.rules.ts";
import { newId } from "../../domain/ids.ts";
import type { ServiceContext } from "../context.ts";
import { membershipOf } from "../groups/group.service.ts";
import { resolveActor } from "../accounts/actor.service.ts";
import { ensureGroupRow } from "../groups/group-cache.ts";
import { sanitizeHtml, stripHtml, textOfSanitized } from "../html.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { rememberRemoteAttachments } from "./media.service.ts";
import { recordGroupAnnounce } from "../groups/group-announce.ts";
import { recognizeIdeaActivity } from "../ideas/idea.service.ts";
import { recognizeQuestionEdit, recognizeQuestionPost } from "../ideas/question-inbox.service.ts";
import { notify, notifyMentions } from "../notification.service.ts";

export interface IncomingPost {
  uri: string;
  type: string;
  authorUri: string;
  title: string | null;
  contentHtml: string;
  sourceText: string | null;
  summary: string | null;
  sensitive: boolean;
  language: string | null;
  url: string | null;
  inReplyToUri: string | null;
  /** The group the post is addressed to (FEP-1b12 `audience`, or a group in to/cc). */
  groupUris: string[];
  /** The explicit FEP-1b12 `audience`, when the post names one. */
  audienceUris: string[];
  isPublic: boolean;
  /** The addresses as sent: outside groups they say the post's audience. */
  to: string[];
  cc: string[];
  /** A Question's poll, as its author states it. */
  poll?: { options: string[]; counts: number[]; multiple: boolean; voters: number | null; endTime: Date | null; closedAt: Date | null } | null;
  /** A vote in a poll (Mastodon: a Note whose `name` is the chosen option). */
  voteName?: string | null;
  publishedAt: Date;
  updatedAt: Date | null;
  mentionUris: string[];
  tags: string[];
  attachments: Array<{ url: string; mediaType: string | null; description: string | null; width: number | null; height: number | null }>;
}

export interface Relay {
  /** The group that announced (vouched for) the activity, when relayed. */
  announcedBy: ActorRow | null;
  /**
   * The activity as received, to relay when the group is ours. A function, so
   * that the compacting (CPU on every activity) is done only for the few that
   * one of our groups relays.
   */
  activityJson: (() => Promise<unknown>) | null;
}

/** The activity to relay, compacted now. */
async function relayed(relay: Relay): Promise<unknown> {
  return relay.activityJson ? relay.activityJson() : null;
}

export type ReceiveOutcome = "stored" | "duplicate" | "ignored";

async function findGroupFor(ctx: ServiceContext, post: IncomingPost, parentGroupId: string | null, relay: Relay) {
  if (relay.announcedBy) {
    if (relay.announcedBy.type !== "Group") return null;
    await ensureGroupRow(ctx.db, relay.announcedBy);
    return relay.announcedBy;
  }
  for (const uri of post.groupUris) {
    const actor = await findActorByUri(ctx.db, uri);
    if (actor?.type === "Group") return actor;
  }
  const parentGroup = parentGroupId ? await findGroupActorById(ctx, parentGroupId) : null;
  if (!parentGroup) return null;
  // A reply addressed neither to Public nor to the group (its followers) is a
  // private word to the people it names (direct, followers-only), as a local
  // direct reply is (createPost): never a post in the thread's group.
  if (!post.isPublic && !(parentGroup.followers_url && [...post.to, ...post.cc].includes(parentGroup.followers_url))) return null;
  // A reply that names another group as its audience (a reply written where a
  // post was shared) is not a post in the parent's group. At the parent's
  // group's home that must be a real group elsewhere: naming an audience that
  // is no group would let anyone past our group's rules into its threads.
  if (post.audienceUris.length > 0 && (!parentGroup.is_local || (await namesGroupElsewhere(ctx, post.audienceUris)))) return null;
  return parentGroup;
}

/** Whether one of a reply's audiences is a group on another server (looked up, at most three). */
async function namesGroupElsewhere(ctx: ServiceContext, audienceUris: string[]): Promise<boolean> {
  for (const uri of audienceUris.slice(0, 3)) {
    const actor = await resolveActor(ctx, uri).catch(() => null);
    if (actor?.type === "Group" && !actor.is_local) return true;
  }
  return false;
}

/**
 * The trust rules for a post that arrives, however it came (delivered,
 * relayed, fetched): its origin may say it (src/domain/trust.rules.ts); a
 * remote group's posts come only through that group; a reply comes only from
 * someone who may see what it answers. Returns the group the post is in.
 */
async function admitPost(ctx: ServiceContext, author: ActorRow, post: IncomingPost, parent: PostRow | undefined, relay: Relay): Promise<ActorRow | null> {
  const refusal = incomingPostRefusal(post, { uri: author.uri, isLocal: author.is_local }, ctx.origin.origin);
  if (refusal) throw forbidden(refusal);
  let group = await findGroupFor(ctx, post, parent?.group_id ?? null, relay);
  if (group && !group.is_local && relay.announcedBy?.id !== group.id) {
    // Only the group's home says what is in the group. A public post that
    // merely names a remote group is kept as a post of its author's.
    if (!post.isPublic) throw forbidden(`Posts of ${group.uri} arrive only through the group itself`);
    group = null;
  }
  if (parent && parent.visibility !== "public") {
    const vouched = relay.announcedBy !== null && relay.announcedBy.id === parent.group_id;
    if (!vouched && !(await canSeePost(ctx, viewerOf(author.id), parent))) {
      throw forbidden("The reply's author may not see the post it answers");
    }
  }
  return group;
}

async function findGroupActorById(ctx: ServiceContext, id: string): Promise<ActorRow | null> {
  return (await findGroupByActorId(ctx.db, id))?.actor ?? null;
}

/** Create(Note|Article|Page) from its author, or relayed by a group. */
export async function receivePost(
  ctx: ServiceContext,
  activity: IncomingActivity,
  author: ActorRow,
  post: IncomingPost,
  relay: Relay,
): Promise<ReceiveOutcome> {
  const parent = post.inReplyToUri ? await findPostByUri(ctx.db, post.inReplyToUri) : undefined;
  // A vote in one of our polls is counted, not stored as a reply.
  if (post.voteName && post.authorUri === author.uri && parent?.is_local && (await isPollPost(ctx, parent.id))) {
    return (await receiveVote(ctx, activity, author, parent, post.voteName)) === "counted" ? "stored" : "ignored";
  }
  const group = await admitPost(ctx, author, post, parent, relay);
  const ourGroup = group?.is_local ? group : null;
  if (ourGroup) {
    // We are the group's home: only members may post, and not in locked threads.
    assertCanPost(await membershipOf(ctx, ourGroup.id, author.id), { threadLocked: parent?.locked ?? false });
  }
  // At a group's home, the group decides: a post in a public group is public
  // (members on other instances address remote groups the members-only way).
  const ourGroupSettings = ourGroup ? await findGroupByActorId(ctx.db, ourGroup.id) : undefined;
  const visibility: PostRow["visibility"] = ourGroupSettings
    ? ourGroupSettings.group.visibility === "public"
      ? "public"
      : "members_only"
    : group
      ? post.isPublic
        ? "public"
        : "members_only"
      : audienceFromAddressing(post.to, post.cc, author.followers_url);
  // Sanitized once: the idea text below is read from the result.
  const contentHtml = sanitizeHtml(post.contentHtml);
  const id = newId();
  const threadUri = parent?.thread_uri ?? post.inReplyToUri ?? post.uri;
  const row = {
    id,
    uri: post.uri,
    author_id: author.id,
    group_id: group?.id ?? null,
    in_reply_to_uri: post.inReplyToUri,
    thread_uri: threadUri,
    type: post.type,
    title: post.title ? stripHtml(post.title) : null,
    content_html: contentHtml,
    source_text: post.sourceText,
    summary: post.summary ? stripHtml(post.summary) : null,
    sensitive: post.sensitive,
    language: post.language,
    url: post.url,
    visibility,
    is_local: false,
    published_at: post.publishedAt,
    raw: null,
  };
  // What a stored post brings with it, written in the transaction that
  // writes the post. Keep `hasSideWrites` below in step with it.
  const sideWrites = async (trx: Transaction<Database>) => {
    await insertPostTags(trx, id, post.tags);
    await insertPostMentions(trx, id, post.mentionUris);
    await recordConversationPost(trx, { visibility, thread_uri: threadUri, author_id: author.id }, post.mentionUris);
    if (post.poll) {
      const { options, counts, multiple, voters, endTime, closedAt } = post.poll;
      await insertPoll(trx, { postId: id, options, multiple, hideTotals: false, expiresAt: closedAt ?? endTime, remoteCounts: counts, remoteVoters: voters });
    }
    await rememberRemoteAttachments(trx, id, author.id, post.attachments);
    if (group) await recordGroupAnnounce(trx, id, group.id, `${post.uri}#group-announce`);
    await recognizeIdeaActivity(trx, {
      id,
      inReplyToUri: post.inReplyToUri,
      groupId: group?.id ?? null,
      tags: post.tags,
      author,
      text: textOfSanitized(contentHtml),
    });
    await recognizeQuestionPost(trx, {
      id,
      inReplyToUri: post.inReplyToUri,
      groupId: group?.id ?? null,
      tags: post.tags,
      author,
      text: post.sourceText ?? stripHtml(post.contentHtml),
      html: post.contentHtml,
    });
    await notifyMentions(trx, post.mentionUris, author.id, id);
    if (ourGroup) await recordOutboxEvent(trx, { type: "group.relay", groupId: ourGroup.id, activity: await relayed(relay) });
  };
  // The tombstone check, the inbox log and the post are one statement
  // (ADR 0107); a post with nothing beside its row needs no transaction.
  const write = hasSideWrites(post, group, visibility)
    ? await ctx.db.transaction().execute(async (trx) => {
        const written = await insertIncomingPost(trx, activity, row);
        if (written === "stored") await sideWrites(trx);
        return written;
      })
    : await insertIncomingPost(ctx.db, activity, row);
  if (ourGroup) ctx.onOutboxEvent?.();
  if (write === "tombstoned") return "ignored";
  if (write === "duplicate") ctx.logger.debug({ activity: activity.uri }, "duplicate activity ignored");
  return write === "stored" ? "stored" : "duplicate";
}

/**
 * Whether `sideWrites` in receivePost would write anything: a group (its
 * announce, ideas, questions, the relay), a direct message's conversation,
 * tags, mentions, a poll, attachments. Ideas and questions exist only in
 * groups (recognizeIdeaActivity and recognizeQuestionPost return without one).
 */
function hasSideWrites(post: IncomingPost, group: ActorRow | null, visibility: PostRow["visibility"]): boolean {
  return group !== null || visibility === "direct" || post.tags.length > 0 || post.mentionUris.length > 0 || post.poll != null || post.attachments.length > 0;
}

/**
 * A post we fetched ourselves (a search, a boost of something we had not
 * seen): stored as if its author had delivered it, under a synthetic
 * activity id that keeps the inbox log honest. What its origin may not say
 * is refused like any delivery, and the caller is not troubled with it.
 */
export async function storeFetchedPost(ctx: ServiceContext, author: ActorRow, post: IncomingPost): Promise<ReceiveOutcome> {
  const activity = { uri: `${post.uri}#fetched`, type: "Fetch", actorUri: author.uri };
  return receivePost(ctx, activity, author, post, { announcedBy: null, activityJson: null }).catch((error: unknown) => {
    ctx.logger.info({ post: post.uri, reason: (error as Error).message }, "fetched post not stored");
    return "ignored" as const;
  });
}

/** Update of a post: only its author; the old version goes to the history. */
export async function receivePostUpdate(
  ctx: ServiceContext,
  activity: IncomingActivity,
  author: ActorRow,
  post: IncomingPost,
  relay: Relay,
): Promise<ReceiveOutcome> {
  const refusal = incomingPostRefusal(post, { uri: author.uri, isLocal: author.is_local }, ctx.origin.origin);
  if (refusal) throw forbidden(refusal);
  const existing = await findPostByUri(ctx.db, post.uri);
  // An Update that overtook its Create (deliveries held during an outage come
  // due in any order) carries the whole post: store it as such.
  if (!existing) return receivePost(ctx, activity, author, post, relay);
  if (existing.author_id !== author.id) throw forbidden("Only the author can update a post");
  // A group relays edits of its own posts only.
  if (relay.announcedBy && existing.group_id !== relay.announcedBy.id) return "ignored";
  const ourGroup = existing.group_id ? await findGroupActorById(ctx, existing.group_id) : null;
  // At the group's home, only a member may still edit (the edit is relayed as the group's word).
  if (ourGroup?.is_local) assertCanEditInGroup(await membershipOf(ctx, ourGroup.id, author.id));
  // A poll's author sends new counts as an Update of the unchanged Question: counts, not an edit.
  if (post.poll && !existing.is_local && sanitizeHtml(post.contentHtml) === existing.content_html) {
    const { counts, voters, endTime, closedAt } = post.poll;
    const counted = await applyOnce(ctx, activity, (trx) => updateRemotePollCounts(trx, existing.id, counts, voters, closedAt ?? endTime));
    return counted.applied ? "stored" : "duplicate";
  }
  const result = await applyOnce(ctx, activity, async (trx) => {
    await updatePostContent(trx, existing, {
      title: post.title ? stripHtml(post.title) : existing.title,
      contentHtml: sanitizeHtml(post.contentHtml),
      sourceText: post.sourceText,
      summary: post.summary ? stripHtml(post.summary) : null,
      editedAt: post.updatedAt ?? new Date(),
    });
    await recognizeQuestionEdit(trx, { post: existing, author, sourceText: post.sourceText, html: post.contentHtml });
    if (ourGroup?.is_local) await recordOutboxEvent(trx, { type: "group.relay", groupId: ourGroup.id, activity: await relayed(relay) });
    return "stored" as const;
  });
  if (ourGroup?.is_local) ctx.onOutboxEvent?.();
  return result.applied ? result.value : "duplicate";
}

/**
 * Delete of a post by its author, or by the group it lives in. A Delete for
 * a post we have not seen yet leaves a tombstone, so a late Create loses.
 */
export async function receivePostDelete(
  ctx: ServiceContext,
  activity: IncomingActivity,
  deleter: ActorRow,
  objectUri: string,
  relay: Relay,
): Promise<ReceiveOutcome> {
  const existing = await findPostByUri(ctx.db, objectUri);
  if (!existing) {
    // Only the object's own server may pre-empt it.
    if (!sameOrigin(objectUri, deleter.uri)) return "ignored";
    await applyOnce(ctx, activity, (trx) => insertTombstone(trx, objectUri));
    return "stored";
  }
  const byAuthor = existing.author_id === deleter.id;
  // The group itself, or a Delete the group relayed (it checked the sender).
  const byGroup = existing.group_id !== null && (existing.group_id === deleter.id || relay.announcedBy?.id === existing.group_id);
  const ourGroup = existing.group_id ? await findGroupActorById(ctx, existing.group_id) : null;
  // Moderators may come from other instances: they remove posts by sending
  // the group a Delete, which the group checks and relays.
  const byModerator = ourGroup?.is_local === true && isModerator(await membershipOf(ctx, ourGroup.id, deleter.id));
  if (!byAuthor && !byGroup && !byModerator) throw forbidden("Only the author, its group or a moderator can delete a post");
  const result = await applyOnce(ctx, activity, async (trx) => {
    await deletePostRow(trx, existing.id);
    await insertTombstone(trx, existing.uri, existing);
    if (ourGroup?.is_local && (byAuthor || byModerator)) {
      await recordOutboxEvent(trx, { type: "group.relay", groupId: ourGroup.id, activity: await relayed(relay) });
    }
    return "stored" as const;
  });
  if (ourGroup?.is_local) ctx.onOutboxEvent?.();
  return result.applied ? result.value : "duplicate";
}

export async function receiveLike(ctx: ServiceContext, activity: IncomingActivity, liker: ActorRow, objectUri: string, relay: Relay): Promise<ReceiveOutcome> {
  const post = await findPostByUri(ctx.db, objectUri);
  if (!post) {
    // One of ours that is gone: nothing to like. A remote post may still be on
    // its way (a like can overtake it): fail plainly, so the inbox retries later.
    if (new URL(objectUri).origin === ctx.origin.origin) return "ignored";
    throw new Error(`Liked post ${objectUri} has not arrived yet; will retry`);
  }
  // A group relays likes of its own posts only.
  if (relay.announcedBy && post.group_id !== relay.announcedBy.id) return "ignored";
  const ourGroup = post.group_id ? await findGroupActorById(ctx, post.group_id) : null;
  if (ourGroup?.is_local && post.visibility === "members_only") {
    assertCanPost(await membershipOf(ctx, ourGroup.id, liker.id));
  }
  const result = await applyOnce(ctx, activity, async (trx) => {
    // The liker's own signed word beats what a group relayed in their name:
    // a like a relay stored under this id on another post was forged (finding 51).
    if (!relay.announcedBy) await deleteLikeClaimedElsewhere(trx, activity.uri, liker.id, post.id);
    const created = await insertLike(trx, { postId: post.id, actorId: liker.id, activityUri: activity.uri });
    if (created) await notify(trx, { recipientId: post.author_id, type: "favourite", fromId: liker.id, postId: post.id });
    if (created && ourGroup?.is_local) {
      const orderingKey = `${post.uri} ${liker.uri}`;
      await recordOutboxEvent(trx, { type: "group.relay", groupId: ourGroup.id, activity: await relayed(relay), orderingKey });
    }
    return created ? ("stored" as const) : ("duplicate" as const);
  });
  if (ourGroup?.is_local) ctx.onOutboxEvent?.();
  return result.applied ? result.value : "duplicate";
}

export async function receiveUndoLike(
  ctx: ServiceContext,
  activity: IncomingActivity,
  liker: ActorRow,
  likeUri: string,
  relay: Relay,
): Promise<ReceiveOutcome> {
  const like = await findLikeByActivityUri(ctx.db, likeUri);
  if (!like || like.actor_id !== liker.id) return "ignored";
  const post = await findPostById(ctx.db, like.post_id);
  // A group relays the withdrawal of likes of its own posts only, as it does the likes.
  if (relay.announcedBy && post?.group_id !== relay.announcedBy.id) return "ignored";
  const ourGroup = post?.group_id ? await findGroupActorById(ctx, post.group_id) : null;
  const result = await applyOnce(ctx, activity, async (trx) => {
    await deleteLike(trx, like.post_id, liker.id);
    // In order with the Like it withdraws (whose key names the post, not the like).
    const orderingKey = post ? `${post.uri} ${liker.uri}` : undefined;
    if (ourGroup?.is_local) await recordOutboxEvent(trx, { type: "group.relay", groupId: ourGroup.id, activity: await relayed(relay), orderingKey });
    return "stored" as const;
  });
  if (ourGroup?.is_local) ctx.onOutboxEvent?.();
  return result.applied ? result.value : "duplicate";
}

/**
 * A Like withdrawn before it arrived: its tombstone makes the late Like lose
 * (insertLike). Only the like's own server may pre-empt it, as for a Delete.
 */
export async function rememberWithdrawnLike(ctx: ServiceContext, activity: IncomingActivity, likeUri: string): Promise<ReceiveOutcome> {
  if (!sameOrigin(likeUri, activity.actorUri)) return "ignored";
  await applyOnce(ctx, activity, (trx) => insertTombstone(trx, likeUri));
  return "stored";
}

export async function isKnownLike(ctx: ServiceContext, likeUri: string): Promise<boolean> {
  return (await findLikeByActivityUri(ctx.db, likeUri)) !== undefined;
}
