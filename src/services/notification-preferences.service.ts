// Which notifications a person gets by email, per kind; and the one-click
// unsubscribe that turns a kind off from a mail without signing in.
import { readEmailPreferences, writeEmailPreference } from "../db/repos/notification-channel.repo.ts";
import { validationFailed } from "../domain/errors.ts";
import { EMAIL_KINDS, emailWanted, isEmailKind, type EmailKind } from "../domain/notification-kinds.rules.ts";
import type { ServiceContext } from "./context.ts";
import { readUnsubscribeToken } from "./mail-links.ts";

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
export async function unsubscribeByToken(ctx: ServiceContext, token: string): Promise<{ kind: EmailKind | "all" }> {
  const target = await readUnsubscribeToken(ctx, token);
  if (!target) throw validationFailed("This unsubscribe link is not valid; sign in and choose on the notification settings page");
  const kinds = target.kind === "all" ? [...EMAIL_KINDS] : [target.kind];
  await updateEmailPreferences(ctx, target.actorId, Object.fromEntries(kinds.map((k) => [k, false])));
  return { kind: target.kind };
}
