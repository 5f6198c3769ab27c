// Which notifications a person gets by email, per kind; and the one-click
// unsubscribe that turns a kind off from a mail without signing in.
import { readDigestSettings, readEmailPreferences, writeDigestSettings, writeEmailPreference } from "../../db/repos/notification-channel.repo.ts";
import { validationFailed } from "../../domain/errors.ts";
import { EMAIL_KINDS, emailWanted, isEmailKind, type EmailKind } from "../../domain/notification-kinds.rules.ts";
import { DIGEST_FREQUENCIES, isTimeZone, type DigestFrequency } from "../../domain/digest.rules.ts";
import type { ServiceContext } from "../context.ts";
import { readUnsubscribeToken, type UnsubscribeKind } from "./mail-links.ts";

export type EmailPreferences = Record<EmailKind, boolean>;

export async function emailPreferences(ctx: ServiceContext, actorId: string): Promise<EmailPreferences> {
  const stored = await readEmailPreferences(ctx.db, actorId);
  return Object.fromEntries(EMAIL_KINDS.map((kind) => [kind, emailWanted(kind, stored)])) as EmailPreferences;
}

export async function updateEmailPreferences(ctx: ServiceContext, actorId: string, changes: Record<string, boolean>): Promise<EmailPreferences> {
  const unknown = Object.keys(changes).filter((k) => !isEmailKind(k));
  if (unknown.length > 0) throw validationFailed(`Unknown notification kind ${unknown.join(", ")}; the kinds are ${EMAIL_KINDS.join(", ")}`);
  await ctx.db.transaction().execute(async (trx) => {
    for (const [kind, email] of Object.entries(changes)) await writeEmailPreference(trx, actorId, kind, email);
  });
  return emailPreferences(ctx, actorId);
}

/** Applies an unsubscribe link (RFC 8058 one-click POST, or the page's button). */
export async function unsubscribeByToken(ctx: ServiceContext, token: string): Promise<{ kind: UnsubscribeKind }> {
  const target = await readUnsubscribeToken(ctx, token);
  if (!target) throw validationFailed("This unsubscribe link is not valid; sign in and choose on the notification settings page");
  if (target.kind === "digest") {
    const current = await readDigestSettings(ctx.db, target.actorId);
    if (current) await writeDigestSettings(ctx.db, target.actorId, { frequency: "off", timeZone: current.time_zone, hour: current.hour });
    return { kind: "digest" };
  }
  const kinds = target.kind === "all" ? [...EMAIL_KINDS] : [target.kind];
  await updateEmailPreferences(ctx, target.actorId, Object.fromEntries(kinds.map((k) => [k, false])));
  return { kind: target.kind };
}

export interface DigestPreferences {
  frequency: DigestFrequency;
  timeZone: string;
  hour: number;
}

export async function digestPreferences(ctx: ServiceContext, actorId: string): Promise<DigestPreferences> {
  const row = await readDigestSettings(ctx.db, actorId);
  return row ? { frequency: row.frequency, timeZone: row.time_zone, hour: row.hour } : { frequency: "off", timeZone: "UTC", hour: 8 };
}

export async function updateDigestPreferences(ctx: ServiceContext, actorId: string, changes: Partial<DigestPreferences>): Promise<DigestPreferences> {
  const next = { ...(await digestPreferences(ctx, actorId)), ...changes };
  if (!(DIGEST_FREQUENCIES as readonly string[]).includes(next.frequency))
    throw validationFailed(`digest.frequency must be one of ${DIGEST_FREQUENCIES.join(", ")}`);
  if (!isTimeZone(next.timeZone)) throw validationFailed(`"${next.timeZone}" is not a time zone; use an IANA name such as Europe/Paris`);
  if (!Number.isInteger(next.hour) || next.hour < 0 || next.hour > 23) throw validationFailed("digest.hour must be a whole hour from 0 to 23");
  await writeDigestSettings(ctx.db, actorId, next);
  return next;
}
