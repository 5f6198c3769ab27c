// Notification mail: the mail worker takes each person's unmailed
// notifications once the oldest has waited the batch window, and writes one
// mail per thread in the same transaction that marks them mailed, so a busy
// thread sends one mail and a crash or a second worker never sends two.
import { tagsOfPost } from "../../db/queries/post-tags.queries.ts";
import { findMailRecipient } from "../../db/repos/mail.repo.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { markMailed, peekMailBatch, readEmailPreferences, type ChannelNotification } from "../../db/repos/notification-channel.repo.ts";
import type { PostRow } from "../../db/schema.ts";
import { EMAIL_KIND_LABELS, emailKindOf, emailWanted, groupNoteRole, type EmailKind } from "../../domain/notification-kinds.rules.ts";
import type { ServiceContext } from "../context.ts";
import { textOfSanitized } from "../html.ts";
import { preferencesUrl, replyAddress, unsubscribeUrl } from "./mail-links.ts";
import { queueMail } from "./mail.service.ts";
import { canSeePost, viewerOf } from "../visibility.service.ts";

const EXCERPT_CHARS = 500;

interface Item {
  notificationId: string;
  postId?: string;
  kind: EmailKind;
  heading: string;
  body?: string;
  link?: string;
  thread: string;
  threadTitle: string;
}

/**
 * Writes the mail for the next quiet batch; false when no batch is ready.
 * What goes in the mail is read first; then one transaction marks the
 * notifications mailed and writes the mail, for those it marked.
 */
export async function mailNextNotificationBatch(ctx: ServiceContext, batchWindowMs: number): Promise<boolean> {
  const batch = await peekMailBatch(ctx.db, new Date(Date.now() - batchWindowMs));
  if (batch.length === 0) return false;
  const recipientId = batch[0]!.recipient_id;
  const user = await findMailRecipient(ctx.db, recipientId);
  // Only a verified, working address gets mail; the notifications stay in the app either way.
  const mailable = Boolean(user?.email && user.email_verified_at && !user.email_bounced_at && !user.suspended_at);
  const items: Item[] = [];
  if (mailable) {
    const preferences = await readEmailPreferences(ctx.db, recipientId);
    for (const n of batch) {
      const item = n.dismissed_at ? null : await describe(ctx, n);
      if (item && emailWanted(item.kind, preferences)) items.push(item);
    }
  }
  const threads = new Map<string, Item[]>();
  for (const item of items) threads.set(item.thread, [...(threads.get(item.thread) ?? []), item]);
  const mails: Array<{ items: Item[]; unsubscribe: string; replyTo?: string }> = [];
  for (const threadItems of threads.values()) {
    const first = threadItems[0]!;
    // Replying to the mail answers the newest post in it (when reply by email is on).
    const replyTo = [...threadItems].reverse().find((i) => i.postId)?.postId;
    mails.push({
      items: threadItems,
      unsubscribe: await unsubscribeUrl(ctx, recipientId, first.kind),
      ...(replyTo && ctx.replyDomain ? { replyTo: await replyAddress(ctx, recipientId, replyTo, ctx.replyDomain) } : {}),
    });
  }
  await ctx.db.transaction().execute(async (trx) => {
    const marked = await markMailed(
      trx,
      batch.map((n) => n.id),
    );
    for (const mail of mails) {
      const threadItems = mail.items.filter((i) => marked.has(i.notificationId));
      const first = threadItems[0];
      if (!first || !user?.email) continue;
      const subject = threadItems.length === 1 ? first.heading : `${threadItems.length} new notifications in ${first.threadTitle}`;
      await queueMail(
        trx,
        {
          to: user.email,
          recipientId,
          purpose: `notification:${first.kind}`,
          subject,
          unsubscribeUrl: mail.unsubscribe,
          ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
          content: {
            greeting: `Hello ${user.username},`,
            paragraphs: [
              ...(threadItems.length === 1 ? [] : [`There is news in ${first.threadTitle}:`]),
              ...(mail.replyTo ? ["Reply to this mail to answer in the thread."] : []),
            ],
            items: threadItems.map((i) => ({ heading: i.heading, ...(i.body ? { body: i.body } : {}), ...(i.link ? { link: i.link } : {}) })),
            footer: { instanceName: ctx.instanceName, preferencesUrl: preferencesUrl(ctx), unsubscribeUrl: mail.unsubscribe },
          },
        },
        ctx.origin,
      );
    }
  });
  return true;
}

async function describe(ctx: ServiceContext, n: ChannelNotification): Promise<Item | null> {
  const from = await findActorById(ctx.db, n.from_id);
  const who = from?.name?.trim() || (from ? `@${from.username}@${from.domain}` : "Someone");
  if (n.type === "join_request") {
    const group = n.group_id ? await findActorById(ctx.db, n.group_id) : undefined;
    const groupName = group?.name || group?.username || "a group";
    return {
      notificationId: n.id,
      kind: "join_request",
      heading: `${who} asks to join ${groupName}`,
      link: new URL(`/g/${group?.username ?? ""}/members`, ctx.origin).href,
      thread: `join:${n.group_id}`,
      threadTitle: groupName,
    };
  }
  const post = n.post_id ? await findPostById(ctx.db, n.post_id) : undefined;
  // A post the person may no longer see is never put in a mail.
  if (post && !(await canSeePost(ctx, viewerOf(n.recipient_id), post))) return null;
  const repliesToRecipient = post ? await answersRecipient(ctx, post, n.recipient_id) : false;
  const kind = emailKindOf(n.type, {
    repliesToRecipient,
    groupNote: post && post.in_reply_to_uri && post.author_id === post.group_id ? await roleOfGroupNote(ctx, post) : null,
    fromGroup: from?.type === "Group",
  });
  if (!kind) return null;
  const threadRoot = post ? await findPostByUri(ctx.db, post.thread_uri) : undefined;
  // A reply can reach someone who may not read its thread's first post (a direct answer to a followers-only post).
  const rootReadable = threadRoot !== undefined && (threadRoot.id === post?.id || (await canSeePost(ctx, viewerOf(n.recipient_id), threadRoot)));
  const threadTitle = rootReadable ? `“${titleOf(threadRoot)}”` : "a thread";
  return {
    notificationId: n.id,
    kind,
    heading: kind === "reply" ? `${who} replied to you` : kind === "mention" ? `${who} mentioned you` : `${EMAIL_KIND_LABELS[kind]}: ${threadTitle}`,
    ...(post ? { postId: post.id, body: excerpt(post), link: new URL(`/p/${post.id}`, ctx.origin).href } : {}),
    thread: post?.thread_uri ?? `n:${n.id}`,
    threadTitle,
  };
}

/** A group's own reply in a thread: what it reports (an assignment, an idea's answer, …). */
async function roleOfGroupNote(ctx: ServiceContext, post: PostRow) {
  return groupNoteRole({ tags: await tagsOfPost(ctx.db, post.id), text: post.source_text ?? textOfSanitized(post.content_html) });
}

async function answersRecipient(ctx: ServiceContext, post: PostRow, recipientId: string): Promise<boolean> {
  if (!post.in_reply_to_uri) return false;
  const parent = await findPostByUri(ctx.db, post.in_reply_to_uri);
  return parent?.author_id === recipientId;
}

function excerpt(post: PostRow): string {
  const text = textOfSanitized(post.content_html).trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

function titleOf(post: PostRow): string {
  const text = post.title?.trim() || textOfSanitized(post.content_html).trim();
  return text.length > 60 ? `${text.slice(0, 60)}…` : text || "a thread";
}
