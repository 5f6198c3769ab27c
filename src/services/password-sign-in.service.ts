// Signing in with a password, the one way every sign-in form does it (the web
// interface and the OAuth consent page): throttled per username and address
// (sign-in-limiter.ts), then the password checked, a failure counted.
import type { ServiceContext } from "./context.ts";
import { isThrottled, recordFailure } from "./sign-in-limiter.ts";
import { verifyCredentials, type LocalUser } from "./user.service.ts";

export type PasswordSignIn =
  | { ok: true; user: LocalUser }
  /** throttled: answer 429; wrong: answer 401. `message` is for the person at the form. */
  | { ok: false; reason: "throttled" | "wrong"; message: string };

export async function signInWithPassword(ctx: ServiceContext, username: string, password: string, address: string): Promise<PasswordSignIn> {
  const name = username.trim();
  if (isThrottled(name, address)) return { ok: false, reason: "throttled", message: "Too many failed sign-ins: wait 15 minutes and try again." };
  const user = await verifyCredentials(ctx, name, password);
  if (!user) {
    recordFailure(name, address);
    return { ok: false, reason: "wrong", message: "Wrong username or password." };
  }
  return { ok: true, user };
}
