// OAuth 2 for client apps (RFC 6749 with PKCE, RFC 7636), as Mastodon apps
// use it: register an app, sign in and consent, exchange the code for a
// token, refresh it, revoke it. Tokens are the same kind the CLI mints.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  consumeCode,
  findAppByClientId,
  findAppById,
  findTokenByRefreshHash,
  findTokenRowByHash,
  insertApp,
  insertCode,
  insertAppToken,
  insertOAuthToken,
  revokeTokenRow,
} from "../../db/repos/oauth-app.repo.ts";
import { newId } from "../../domain/ids.ts";
import { OAuthError } from "../../domain/oauth.errors.ts";
import { OOB_REDIRECT_URI, redirectUriProblem } from "../../domain/redirect.rules.ts";
import { parseScopes } from "../../domain/scopes.ts";
import { signIn, THROTTLED_MESSAGE } from "../accounts/sign-in.service.ts";
import type { ServiceContext } from "../context.ts";
import { hashToken } from "../accounts/token.service.ts";
import { vapidKeys } from "../channels/push.service.ts";

export const OOB_REDIRECT = OOB_REDIRECT_URI;
const CODE_TTL_MS = 10 * 60_000;

const random = () => randomBytes(32).toString("base64url");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseRedirectUris(input: unknown): string[] {
  const list = Array.isArray(input) ? input : typeof input === "string" ? input.split(/\s+/) : [];
  const uris = list.map((u) => String(u).trim()).filter(Boolean);
  if (uris.length === 0) throw new OAuthError("invalid_request", "redirect_uris is required");
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError("invalid_request", `redirect_uris: ${problem}`);
  }
  return uris;
}

function scopesOrError(text: string): string[] {
  try {
    return parseScopes(text);
  } catch (error) {
    throw new OAuthError("invalid_scope", (error as Error).message);
  }
}

export async function registerApp(ctx: ServiceContext, input: { clientName: unknown; redirectUris: unknown; scopes?: unknown; website?: unknown }) {
  if (typeof input.clientName !== "string" || !input.clientName.trim()) {
    throw new OAuthError("invalid_request", "client_name is required");
  }
  const redirectUris = parseRedirectUris(input.redirectUris);
  const scopes = scopesOrError(typeof input.scopes === "string" && input.scopes.trim() ? input.scopes : "read");
  const id = newId();
  const clientId = random();
  const clientSecret = random();
  const website = typeof input.website === "string" && input.website.trim() ? input.website.trim() : null;
  await insertApp(ctx.db, {
    id,
    clientId,
    clientSecretHash: sha256(clientSecret),
    name: input.clientName.trim().slice(0, 200),
    website,
    redirectUris,
    scopes: scopes.join(" "),
  });
  return {
    id,
    name: input.clientName.trim(),
    website,
    scopes,
    redirect_uri: redirectUris.join("\n"),
    redirect_uris: redirectUris,
    client_id: clientId,
    client_secret: clientSecret,
    client_secret_expires_at: 0,
    vapid_key: (await vapidKeys(ctx)).publicKey,
  };
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  responseType: string;
  state?: string | undefined;
  codeChallenge?: string | undefined;
  codeChallengeMethod?: string | undefined;
}

/** Checks an authorization request before anyone signs in; errors show on the page. */
export async function checkAuthorizeRequest(ctx: ServiceContext, request: AuthorizeRequest) {
  const app = await findAppByClientId(ctx.db, request.clientId ?? "");
  if (!app) throw new OAuthError("invalid_client", "Unknown client_id: register the app first");
  if (request.responseType !== "code") throw new OAuthError("invalid_request", 'response_type must be "code"');
  const redirectUri = request.redirectUri || (app.redirect_uris.length === 1 ? app.redirect_uris[0]! : "");
  if (!app.redirect_uris.includes(redirectUri)) {
    throw new OAuthError("invalid_grant", "redirect_uri does not match one registered for this app");
  }
  const scopes = scopesOrError(request.scope || app.scopes);
  const allowed = app.scopes.split(" ");
  const outside = scopes.filter((s) => !allowed.includes(s) && !allowed.includes(s.split(":")[0]!));
  if (outside.length > 0) throw new OAuthError("invalid_scope", `The app was not registered for ${outside.join(", ")}`);
  const method = request.codeChallenge ? request.codeChallengeMethod || "plain" : null;
  if (method && method !== "S256" && method !== "plain") {
    throw new OAuthError("invalid_request", "code_challenge_method must be S256 or plain");
  }
  return { app, redirectUri, scopes, method };
}

export async function issueCode(
  ctx: ServiceContext,
  input: { appId: string; userId: string; redirectUri: string; scopes: string[]; challenge: string | null; method: string | null },
): Promise<string> {
  const code = random();
  await insertCode(ctx.db, {
    codeHash: sha256(code),
    appId: input.appId,
    userId: input.userId,
    redirectUri: input.redirectUri,
    scopes: input.scopes.join(" "),
    challenge: input.challenge,
    challengeMethod: input.method,
    expiresAt: new Date(Date.now() + CODE_TTL_MS),
  });
  return code;
}

async function authenticateClient(ctx: ServiceContext, clientId: string | undefined, clientSecret: string | undefined) {
  const app = clientId ? await findAppByClientId(ctx.db, clientId) : undefined;
  if (!app || !clientSecret || !sameText(sha256(clientSecret), app.client_secret_hash)) {
    throw new OAuthError("invalid_client", "Client authentication failed");
  }
  return app;
}

async function mintToken(ctx: ServiceContext, userId: string, appId: string, scopes: string) {
  const accessToken = random();
  const refreshToken = random();
  await insertOAuthToken(ctx.db, {
    id: newId(),
    userId,
    appId,
    tokenHash: hashToken(accessToken),
    refreshHash: sha256(refreshToken),
    scopes,
  });
  return {
    access_token: accessToken,
    token_type: "Bearer",
    scope: scopes,
    created_at: Math.floor(Date.now() / 1000),
    refresh_token: refreshToken,
  };
}

export interface TokenRequest {
  grantType?: string | undefined;
  code?: string | undefined;
  redirectUri?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  codeVerifier?: string | undefined;
  refreshToken?: string | undefined;
  /** The password grant (`username`, `password`, `scope`), when the admin turned it on. */
  username?: string | undefined;
  password?: string | undefined;
  scope?: string | undefined;
  passwordGrant?: boolean | undefined;
  /** The caller's address, for the password-guessing limit. */
  address?: string | undefined;
}

export async function exchangeToken(ctx: ServiceContext, request: TokenRequest) {
  switch (request.grantType) {
    case "authorization_code": {
      const app = await authenticateClient(ctx, request.clientId, request.clientSecret);
      const code = request.code ? await consumeCode(ctx.db, sha256(request.code)) : undefined;
      if (!code || code.app_id !== app.id || code.expires_at.getTime() < Date.now()) {
        throw new OAuthError("invalid_grant", "The authorization code is invalid, expired or already used");
      }
      if ((request.redirectUri ?? code.redirect_uri) !== code.redirect_uri) {
        throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request");
      }
      if (code.code_challenge) {
        const verifier = request.codeVerifier ?? "";
        const computed = code.code_challenge_method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
        if (!verifier || !sameText(computed, code.code_challenge)) {
          throw new OAuthError("invalid_grant", "The PKCE code_verifier does not match");
        }
      }
      return mintToken(ctx, code.user_id, app.id, code.scopes);
    }
    case "refresh_token": {
      const app = await authenticateClient(ctx, request.clientId, request.clientSecret);
      const row = request.refreshToken ? await findTokenByRefreshHash(ctx.db, sha256(request.refreshToken)) : undefined;
      if (!row || !row.user_id || row.app_id !== app.id || row.revoked_at) {
        throw new OAuthError("invalid_grant", "The refresh token is invalid");
      }
      // Rotation: the old pair stops working.
      await revokeTokenRow(ctx.db, row.id);
      return mintToken(ctx, row.user_id, app.id, row.scopes);
    }
    case "client_credentials": {
      // An app-level token: it identifies the app, acts for no user.
      const app = await authenticateClient(ctx, request.clientId, request.clientSecret);
      const accessToken = random();
      await insertAppToken(ctx.db, { id: newId(), appId: app.id, tokenHash: hashToken(accessToken), scopes: "read" });
      return { access_token: accessToken, token_type: "Bearer", scope: "read", created_at: Math.floor(Date.now() / 1000) };
    }
    case "password": {
      // Off by default: an app that asks for the password sees it, which the authorize page avoids.
      if (!request.passwordGrant) {
        throw new OAuthError(
          "unsupported_grant_type",
          "The password grant is off on this instance: sign in through /oauth/authorize, or ask the admin to set ECOTONE_OAUTH_PASSWORD_GRANT=true",
        );
      }
      const app = await authenticateClient(ctx, request.clientId, request.clientSecret);
      const scopes = scopesOrError(request.scope || app.scopes);
      const allowed = app.scopes.split(" ");
      const outside = scopes.filter((s) => !allowed.includes(s) && !allowed.includes(s.split(":")[0]!));
      if (outside.length > 0) throw new OAuthError("invalid_scope", `The app was not registered for ${outside.join(", ")}`);
      // The same guessing limit as every door that checks a password.
      const checked = await signIn(ctx, request.username ?? "", request.password ?? "", request.address ?? "");
      if (!checked.ok && checked.reason === "throttled") throw new OAuthError("invalid_grant", THROTTLED_MESSAGE, 429);
      if (!checked.ok) throw new OAuthError("invalid_grant", "Wrong username or password");
      return mintToken(ctx, checked.user.id, app.id, scopes.join(" "));
    }
    default:
      throw new OAuthError("unsupported_grant_type", `grant_type "${request.grantType ?? ""}" is not supported`);
  }
}

/** RFC 7009: revoking an unknown token is not an error. */
export async function revokeOAuthToken(
  ctx: ServiceContext,
  input: { token?: string | undefined; clientId?: string | undefined; clientSecret?: string | undefined },
) {
  const app = await authenticateClient(ctx, input.clientId, input.clientSecret);
  if (!input.token) return;
  const row = (await findTokenRowByHash(ctx.db, hashToken(input.token))) ?? (await findTokenByRefreshHash(ctx.db, sha256(input.token)));
  if (row && row.app_id === app.id) await revokeTokenRow(ctx.db, row.id);
}

export async function appOfToken(ctx: ServiceContext, appId: string | null) {
  if (!appId) return null;
  const app = await findAppById(ctx.db, appId);
  return app ? { name: app.name, website: app.website, scopes: app.scopes.split(" ") } : null;
}

/** The app behind an app-level token (client_credentials), if the token is one. */
export async function authenticateAppToken(ctx: ServiceContext, token: string) {
  const row = await findTokenRowByHash(ctx.db, hashToken(token));
  if (!row || row.user_id !== null || !row.app_id || row.revoked_at) return null;
  return appOfToken(ctx, row.app_id);
}
