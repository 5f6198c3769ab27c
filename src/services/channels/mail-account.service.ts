// An account's email address: set it, prove it by the link we mail, and
// reset a forgotten password through it. Links are random, stored only as a
// hash, used once, expire, and are throttled per account; the answer to a
// reset request never tells whether the account exists.
import { createHash, randomBytes } from "node:crypto";
import {
  countMailTokensSince,
  expireMailTokens,
  findUsernameByVerifiedEmail,
  insertMailToken,
  markEmailVerified,
  setUserEmail,
  useMailToken,
} from "../../db/repos/mail.repo.ts";
import { findUserById, findUserByUsername } from "../../db/repos/user.repo.ts";
import { DomainError, forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { checkPasswordStrength } from "../../domain/user.rules.ts";
import type { ServiceContext } from "../context.ts";
import { preferencesUrl } from "./mail-links.ts";
import { queueMail } from "./mail.service.ts";
import { setPassword } from "../accounts/user.service.ts";
import { verifyPassword } from "../accounts/password.ts";

const VERIFY_HOURS = 48;
const RESET_MINUTES = 60;
/** Links of one kind an account may be sent per hour. */
const LINKS_PER_HOUR = 3;
// Deliberately simple: one @, something on each side, a dot in the domain, no spaces.
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

export function normalizeEmail(raw: string): string {
  const email = raw.trim();
  if (email.length > 254 || !EMAIL.test(email)) throw validationFailed(`"${raw}" is not an email address; use the form name@company.example`);
  return email;
}

async function requireUser(ctx: ServiceContext, username: string) {
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw notFound(`No account ${username}`);
  return user;
}

async function throttle(ctx: ServiceContext, userId: string, purpose: "verify" | "reset"): Promise<boolean> {
  return (await countMailTokensSince(ctx.db, userId, purpose, new Date(Date.now() - 3_600_000))) >= LINKS_PER_HOUR;
}

/**
 * How the caller proved it is the account's owner, beyond holding a session or
 * a token: the address is a credential (a reset link goes to it), so an app
 * token with `write:accounts` must not be enough to move it (finding 40).
 */
export type OwnerProof = { currentPassword: string } | { webSession: true };

async function assertOwner(user: { password_hash: string | null }, proof: OwnerProof): Promise<void> {
  if ("currentPassword" in proof) {
    if (!user.password_hash) {
      throw forbidden("This account signs in with company sign-in and has no password: change the address in the web settings");
    }
    if (!(await verifyPassword(proof.currentPassword, user.password_hash))) throw forbidden("The current password is wrong");
    return;
  }
  // The web session is first-party; an account with a password still types it.
  if (user.password_hash) throw forbidden("Type your current password to change the address");
}

/** Sets (or replaces) the address, unverified, and mails it a verification link (and the old address a notice). */
export async function setEmail(ctx: ServiceContext, username: string, raw: string, proof: OwnerProof): Promise<{ email: string; verified: false }> {
  const user = await requireUser(ctx, username);
  const email = normalizeEmail(raw);
  await assertOwner(user, proof);
  const previous = user.email_verified_at && user.email && user.email !== email ? user.email : null;
  if (await throttle(ctx, user.id, "verify")) {
    throw new DomainError("rate_limited", `Three verification links were sent in the last hour; wait an hour, then try again`);
  }
  const token = randomBytes(32).toString("base64url");
  await ctx.db.transaction().execute(async (trx) => {
    await setUserEmail(trx, user.id, email);
    await expireMailTokens(trx, user.id, "verify");
    await insertMailToken(trx, {
      tokenHash: hash(token),
      userId: user.id,
      purpose: "verify",
      email,
      expiresAt: new Date(Date.now() + VERIFY_HOURS * 3_600_000),
    });
    const link = new URL(`/mail/verify?token=${token}`, ctx.origin).href;
    await queueMail(trx, {
      to: email,
      recipientId: user.actor_id,
      purpose: "verify",
      subject: `Confirm your email address for ${ctx.instanceName}`,
      content: {
        greeting: `Hello ${user.username},`,
        paragraphs: [
          `Please confirm that ${email} is your address. The link works once, for ${VERIFY_HOURS} hours.`,
          "If you did not ask for this, ignore this mail.",
        ],
        action: { label: "Confirm my address", url: link },
        footer: { instanceName: ctx.instanceName, preferencesUrl: preferencesUrl(ctx) },
      },
    });
    if (previous) {
      // The old, proven address hears of the change, so a takeover is noticed.
      await queueMail(trx, {
        to: previous,
        recipientId: user.actor_id,
        purpose: "security",
        subject: `Your email address for ${ctx.instanceName} is being changed`,
        content: {
          greeting: `Hello ${user.username},`,
          paragraphs: [
            `Someone signed in as you asked to use ${email} instead of this address. Until that address is confirmed, mail still comes here.`,
            "If this was not you, sign in, change your password, revoke the apps you do not know (Settings), and tell your admin.",
          ],
          footer: { instanceName: ctx.instanceName, preferencesUrl: preferencesUrl(ctx) },
        },
      });
    }
  });
  return { email, verified: false };
}

/** Marks the address verified; the link fails if used, expired, replaced, or the address changed since. */
export async function verifyEmail(ctx: ServiceContext, token: string): Promise<{ username: string; email: string }> {
  const row = await useMailToken(ctx.db, hash(token), "verify");
  const user = row ? await findUserById(ctx.db, row.user_id) : undefined;
  if (!row || !user || !(await markEmailVerified(ctx.db, row.user_id, row.email))) {
    throw validationFailed("This confirmation link is used, expired or replaced by a newer one; set your address again to get a new link");
  }
  return { username: user.username, email: row.email };
}

/**
 * Mails a reset link to the account's verified address. Silent whatever the
 * outcome (unknown account, no verified address, throttled), so the answer
 * reveals nothing about who has an account.
 */
export async function requestPasswordReset(ctx: ServiceContext, login: string): Promise<void> {
  const text = login.trim();
  const username = text.includes("@") ? await findUsernameByVerifiedEmail(ctx.db, text) : text;
  const user = username ? await findUserByUsername(ctx.db, username) : undefined;
  if (!user?.email || !user.email_verified_at || user.suspended_at) return;
  if (await throttle(ctx, user.id, "reset")) {
    ctx.logger.warn({ userId: user.id }, "password reset throttled");
    return;
  }
  const token = randomBytes(32).toString("base64url");
  const email = user.email;
  await ctx.db.transaction().execute(async (trx) => {
    await expireMailTokens(trx, user.id, "reset");
    await insertMailToken(trx, { tokenHash: hash(token), userId: user.id, purpose: "reset", email, expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000) });
    await queueMail(trx, {
      to: email,
      recipientId: user.actor_id,
      purpose: "reset",
      subject: `Reset your ${ctx.instanceName} password`,
      content: {
        greeting: `Hello ${user.username},`,
        paragraphs: [
          `Someone asked to reset your password. The link works once, for ${RESET_MINUTES} minutes.`,
          "If it was not you, ignore this mail: your password stays as it is.",
        ],
        action: { label: "Choose a new password", url: new URL(`/password/reset?token=${token}`, ctx.origin).href },
        footer: { instanceName: ctx.instanceName },
      },
    });
  });
}

/** Sets the new password (signing the account out everywhere) and uses up the link. */
export async function resetPassword(ctx: ServiceContext, token: string, password: string): Promise<{ username: string }> {
  // Checked before the link is used, so a weak password does not burn it.
  checkPasswordStrength(password);
  const row = await useMailToken(ctx.db, hash(token), "reset");
  const user = row ? await findUserById(ctx.db, row.user_id) : undefined;
  if (!row || !user || user.email !== row.email) throw validationFailed("This reset link is used or expired; ask for a new one");
  await setPassword(ctx, user.username, password);
  return { username: user.username };
}

export async function emailStatus(
  ctx: ServiceContext,
  username: string,
): Promise<{ email: string | null; verified: boolean; bounced: boolean; hasPassword: boolean }> {
  const user = await requireUser(ctx, username);
  return { email: user.email, verified: Boolean(user.email_verified_at), bounced: Boolean(user.email_bounced_at), hasPassword: Boolean(user.password_hash) };
}
