// Links in mail that act without signing in: one-click unsubscribe (RFC 8058)
// carries an HMAC of (person, kind) under a key the instance made once, so
// nobody can unsubscribe someone else by guessing.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readOrCreateSetting } from "../../db/repos/instance-secret.repo.ts";
import { isEmailKind, type EmailKind } from "../../domain/notification-kinds.rules.ts";
import type { ServiceContext } from "../context.ts";

const KEY_SETTING = "mail_link_key";

/** What an unsubscribe link stops: one kind of notification mail, the digest, or all mail. */
export type UnsubscribeKind = EmailKind | "all" | "digest";

async function linkKey(ctx: ServiceContext): Promise<Buffer> {
  return Buffer.from(await readOrCreateSetting(ctx.db, KEY_SETTING, () => randomBytes(32).toString("base64url")), "base64url");
}

function mac(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}

export async function unsubscribeToken(ctx: ServiceContext, actorId: string, kind: UnsubscribeKind): Promise<string> {
  const body = `${actorId}.${kind}`;
  return `${body}.${mac(await linkKey(ctx), `unsubscribe:${body}`)}`;
}

/** The person and kind an unsubscribe token names, or null when it was not ours. */
export async function readUnsubscribeToken(ctx: ServiceContext, token: string): Promise<{ actorId: string; kind: UnsubscribeKind } | null> {
  const [actorId, kind, signature, extra] = token.split(".");
  if (!actorId || !kind || !signature || extra !== undefined) return null;
  if (kind !== "all" && kind !== "digest" && !isEmailKind(kind)) return null;
  const expected = Buffer.from(mac(await linkKey(ctx), `unsubscribe:${actorId}.${kind}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { actorId, kind };
}

export async function unsubscribeUrl(ctx: ServiceContext, actorId: string, kind: UnsubscribeKind): Promise<string> {
  return new URL(`/mail/unsubscribe?token=${encodeURIComponent(await unsubscribeToken(ctx, actorId, kind))}`, ctx.origin).href;
}

export function preferencesUrl(ctx: ServiceContext): string {
  return new URL("/settings/notifications", ctx.origin).href;
}

/**
 * A per-recipient reply address for a post: r+<person>.<post>.<mac>@domain.
 * Lowercase hex, since some mail servers lowercase the local part; within the
 * 64 characters a local part may have.
 */
export async function replyAddress(ctx: ServiceContext, actorId: string, postId: string, domain: string): Promise<string> {
  const mac = createHmac("sha256", await linkKey(ctx))
    .update(`reply:${actorId}.${postId}`)
    .digest("hex")
    .slice(0, 20);
  return `r+${actorId}.${postId}.${mac}@${domain}`;
}

/** The person and post a reply address names, or null when it is not one we made. */
export async function readReplyAddress(ctx: ServiceContext, address: string, domain: string): Promise<{ actorId: string; postId: string } | null> {
  const match = /^r\+(\d{1,25})\.(\d{1,25})\.([0-9a-f]{20})@(.+)$/i.exec(address.trim());
  if (!match || match[4]!.toLowerCase() !== domain.toLowerCase()) return null;
  const [, actorId, postId, given] = match;
  const expected = createHmac("sha256", await linkKey(ctx))
    .update(`reply:${actorId}.${postId}`)
    .digest("hex")
    .slice(0, 20);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(given!.toLowerCase()))) return null;
  return { actorId: actorId!, postId: postId! };
}

/**
 * The envelope sender (Return-Path) of one mail, b+<mail>.<mac>@domain, so a
 * bounce (a DSN) comes back to our listener and names the mail it is about;
 * the MAC keeps anyone from making up bounces for other mail.
 */
export async function bounceAddress(ctx: ServiceContext, mailId: string, domain: string): Promise<string> {
  const mac = createHmac("sha256", await linkKey(ctx))
    .update(`bounce:${mailId}`)
    .digest("hex")
    .slice(0, 20);
  return `b+${mailId}.${mac}@${domain}`;
}

/** The mail a bounce address names, or null when it is not one we made. */
export async function readBounceAddress(ctx: ServiceContext, address: string, domain: string): Promise<{ mailId: string } | null> {
  const match = /^b\+(\d{1,25})\.([0-9a-f]{20})@(.+)$/i.exec(address.trim());
  if (!match || match[3]!.toLowerCase() !== domain.toLowerCase()) return null;
  const expected = createHmac("sha256", await linkKey(ctx))
    .update(`bounce:${match[1]}`)
    .digest("hex")
    .slice(0, 20);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(match[2]!.toLowerCase()))) return null;
  return { mailId: match[1]! };
}
