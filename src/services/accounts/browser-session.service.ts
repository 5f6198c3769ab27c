// Browser sessions (the OAuth sign-in page now, the web interface later):
// a random cookie value, stored hashed, with its own CSRF token.
import { createHash, randomBytes } from "node:crypto";
import { deleteSession, findSession, insertSession } from "../../db/repos/oauth-app.repo.ts";
import { findUserById } from "../../db/repos/user.repo.ts";
import type { ServiceContext } from "../context.ts";
import { toLocalUser, type LocalUser } from "./user.service.ts";

const SESSION_DAYS = 30;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** How a session is stored: the hash of its cookie value, never the value. */
export const sessionIdHash = (cookieValue: string): string => sha256(cookieValue);

export async function createSession(ctx: ServiceContext, userId: string): Promise<{ cookieValue: string; csrfToken: string; maxAgeSeconds: number }> {
  const cookieValue = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  await insertSession(ctx.db, {
    idHash: sha256(cookieValue),
    userId,
    csrf: csrfToken,
    expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
  });
  return { cookieValue, csrfToken, maxAgeSeconds: SESSION_DAYS * 86_400 };
}

export async function readSession(ctx: ServiceContext, cookieValue: string | undefined): Promise<{ user: LocalUser; csrfToken: string } | null> {
  if (!cookieValue) return null;
  const row = await findSession(ctx.db, sha256(cookieValue));
  if (!row || row.expires_at.getTime() < Date.now()) return null;
  const user = await findUserById(ctx.db, row.user_id);
  if (!user || user.suspended_at) return null;
  return { user: toLocalUser(user), csrfToken: row.csrf_token };
}

export async function endSession(ctx: ServiceContext, cookieValue: string | undefined): Promise<void> {
  if (cookieValue) await deleteSession(ctx.db, sha256(cookieValue));
}
