// API tokens: random, shown once, stored as SHA-256 hashes. The CLI mints them
// for scripts; OAuth will mint the same kind.
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { findUserTokenByHash, insertToken, listTokensOfUser, revokeTokenById, touchToken } from "../../db/repos/token.repo.ts";
import type { Database } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import { parseScopes } from "../../domain/scopes.ts";
import type { ServiceContext } from "../context.ts";
import { getUserByUsername, toLocalUser, type LocalUser } from "./user.service.ts";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createToken(ctx: ServiceContext, username: string, options: { scopes: string; label?: string | undefined }): Promise<string> {
  const user = await getUserByUsername(ctx, username);
  if (!user) throw notFound(`No user "${username}"; see \`ecotone user list\``);
  const scopes = parseScopes(options.scopes);
  const token = randomBytes(32).toString("base64url");
  await insertToken(ctx.db as Kysely<Database>, {
    id: newId(),
    user_id: user.id,
    token_hash: hashToken(token),
    scopes: scopes.join(" "),
    label: options.label ?? null,
  });
  return token;
}

export interface Authenticated {
  user: LocalUser;
  scopes: string[];
  tokenId: string;
  /** The OAuth app that obtained the token; null for CLI tokens. */
  appId: string | null;
}

const TOUCH_INTERVAL_MS = 60_000;

export async function authenticateToken(ctx: ServiceContext, token: string): Promise<Authenticated | null> {
  if (!token || token.length > 200) return null;
  // App-level tokens act for no user and are not found here (see authenticateAppToken).
  const found = await findUserTokenByHash(ctx.db, hashToken(token));
  if (!found) return null;
  const { token: row, user } = found;
  if (row.revoked_at || (row.expires_at && row.expires_at.getTime() <= Date.now())) return null;
  if (user.suspended_at) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await touchToken(ctx.db, row.id);
  }
  return { user: toLocalUser(user), scopes: row.scopes.split(" ").filter(Boolean), tokenId: row.id, appId: row.app_id ?? null };
}

export async function revokeToken(ctx: ServiceContext, tokenId: string): Promise<void> {
  await revokeTokenById(ctx.db, tokenId);
}

export async function listTokens(ctx: ServiceContext, username: string) {
  const user = await getUserByUsername(ctx, username);
  if (!user) throw notFound(`No user "${username}"`);
  return listTokensOfUser(ctx.db, user.id);
}
