// Reply by email: a reply sent to the per-recipient address of a notification
// mail is posted in the thread as that person, through the same service as a
// reply from the app. Refused, with nothing posted: an address we did not
// make (forged), a sender that is not the person's confirmed address, an
// automatic mail or one of ours (a loop), and an empty reply. The same mail
// delivered again (a provider's webhook retry, a replayed request) is posted
// once: it is keyed by its Message-ID, as an API POST by its Idempotency-Key.
import { createHash } from "node:crypto";
import { findMailRecipient } from "../../db/repos/mail.repo.ts";
import { forbidden, validationFailed } from "../../domain/errors.ts";
import { handlesToName, looksAutomatic, stripQuotedReply } from "../../domain/mail-reply.rules.ts";
import { findPostById, postMentionUris } from "../../db/repos/post.repo.ts";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { extractMentionHandles, qualifyMention } from "../html.ts";
import type { ServiceContext } from "../context.ts";
import { readReplyAddress } from "./mail-links.ts";
import { createStatus } from "../posts/status.service.ts";
import { beginIdempotent, finishIdempotent, requestHash } from "../apps/idempotency.service.ts";

export interface InboundMail {
  to: string[];
  from: string;
  text: string;
  autoSubmitted?: string | undefined;
  precedence?: string | undefined;
  /** Our own marker header, present on every mail we send. */
  ecotoneOrigin?: string | undefined;
  /** The Message-ID header: one mail, however often it is delivered. */
  messageId?: string | undefined;
}

/** Whether a recipient address is one of our reply addresses (checked at RCPT, before the body). */
export async function isReplyAddress(ctx: ServiceContext, address: string, domain: string): Promise<boolean> {
  return (await readReplyAddress(ctx, address, domain)) !== null;
}

/** The handles a reply to this post must start with to reach its people (see handlesToName). */
async function namesForReply(ctx: ServiceContext, parentId: string, username: string, text: string): Promise<string[]> {
  const parent = await findPostById(ctx.db, parentId);
  const author = parent ? await findActorById(ctx.db, parent.author_id) : undefined;
  if (!parent || !author) return [];
  const mentioned = [];
  for (const uri of await postMentionUris(ctx.db, parent.id)) {
    const actor = await findActorByUri(ctx.db, uri);
    if (actor) mentioned.push(handleOf(actor));
  }
  return handlesToName(
    { visibility: parent.visibility, authorHandle: handleOf(author), mentionedHandles: mentioned },
    `@${username}@${ctx.origin.host}`,
    extractMentionHandles(text).map((h) => qualifyMention(h, ctx.origin.host)),
  );
}

const handleOf = (actor: { username: string; domain: string }) => `@${actor.username}@${actor.domain}`;

export async function receiveReplyMail(ctx: ServiceContext, mail: InboundMail, domain: string): Promise<{ postId: string }> {
  if (looksAutomatic({ autoSubmitted: mail.autoSubmitted, precedence: mail.precedence, fromOurselves: mail.ecotoneOrigin === ctx.origin.host })) {
    throw forbidden("Automatic mail (auto-reply, bounce, list or our own) is not posted");
  }
  let target: { actorId: string; postId: string } | null = null;
  for (const to of mail.to) target ??= await readReplyAddress(ctx, to, domain);
  if (!target) throw forbidden("This is not a reply address of ours");
  const user = await findMailRecipient(ctx.db, target.actorId);
  if (!user?.email || !user.email_verified_at || user.suspended_at) throw forbidden("The person of this reply address has no confirmed address");
  if (user.email.toLowerCase() !== mail.from.trim().toLowerCase()) {
    throw forbidden("The reply comes from another address than the person's confirmed one");
  }
  const text = stripQuotedReply(mail.text);
  if (!text) throw validationFailed("The reply is empty once the quoted message and signature are left out");
  // The same checks as a reply from the app: the person must still see the post, the thread must be open.
  // Keyed per reply address's person, apart from the API's keys; a mail without a Message-ID by its text.
  const caller = `mail:${target.actorId}`;
  const key = `mail-${createHash("sha256")
    .update(mail.messageId ?? `${target.postId}\n${text}`)
    .digest("hex")}`;
  const hash = requestHash("MAIL", target.postId, text);
  const begun = await beginIdempotent(ctx, caller, key, hash);
  if (begun.kind === "replay") {
    ctx.logger.info({ inReplyTo: target.postId }, "reply by email delivered again: posted once");
    return JSON.parse(begun.body) as { postId: string };
  }
  try {
    const named = await namesForReply(ctx, target.postId, user.username, text);
    const post = await createStatus(ctx, user.username, { text: named.length > 0 ? `${named.join(" ")} ${text}` : text, inReplyToId: target.postId });
    await finishIdempotent(ctx, caller, key, { statusCode: 200, body: JSON.stringify({ postId: post.id }), contentType: null });
    ctx.logger.info({ postId: post.id, inReplyTo: target.postId }, "reply by email posted");
    return { postId: post.id };
  } catch (error) {
    // Refused (the thread closed, the post gone): the same mail may be tried again later.
    await finishIdempotent(ctx, caller, key, { statusCode: 500, body: "", contentType: null });
    throw error;
  }
}
