// Everything that checks a password typed by a person goes through here, so
// the guessing limit holds on every door: the web sign-in form, the OAuth
// sign-in page, and the current-password check of a password change.
import { validationFailed } from "../../domain/errors.ts";
import { sessionIdHash } from "./browser-session.service.ts";
import type { ServiceContext } from "../context.ts";
import { reserveAttempt } from "./sign-in-limiter.ts";
import { setPassword, verifyCredentials, type LocalUser } from "./user.service.ts";

export type SignInResult = { ok: true; user: LocalUser } | { ok: false; reason: "throttled" | "wrong_credentials" | "password_off" };

export const THROTTLED_MESSAGE = "Too many failed sign-ins: wait 15 minutes and try again.";

/** Checks a password within the guessing limit for this username and address. */
export async function signIn(ctx: ServiceContext, username: string, password: string, address: string): Promise<SignInResult> {
  // Company sign-in only (ECOTONE_PASSWORD_SIGN_IN=false): no password opens a session or an app token.
  if (ctx.passwordSignIn === false) return { ok: false, reason: "password_off" };
  const reservation = reserveAttempt(username, address);
  if (!reservation) return { ok: false, reason: "throttled" };
  const user = await verifyCredentials(ctx, username, password);
  if (!user) return { ok: false, reason: "wrong_credentials" };
  reservation.release();
  return { ok: true, user };
}

/**
 * A signed-in person changes their own password: the current one must be
 * right (within the same guessing limit); afterwards their other sessions
 * and all their tokens stop working, the session they used stays.
 */
export async function changeOwnPassword(
  ctx: ServiceContext,
  input: { username: string; current: string; next: string; address: string; sessionCookie: string | undefined },
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const checked = await signIn(ctx, input.username, input.current, input.address);
  if (!checked.ok) {
    throw validationFailed(checked.reason === "throttled" ? THROTTLED_MESSAGE : "Your current password is not right; nothing was changed");
  }
  return setPassword(ctx, input.username, input.next, {
    ...(input.sessionCookie ? { keepSessionIdHash: sessionIdHash(input.sessionCookie) } : {}),
  });
}
