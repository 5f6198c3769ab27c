// Company sign-in with OpenID Connect (authorization code + PKCE, through
// openid-client). A sign-in under way is a single-use row keyed by its state;
// the browser holds the state in a cookie, so a callback with another state,
// another browser's state or a replayed one is refused. The ID token's nonce
// and issuer are checked by openid-client. Accounts are linked by (issuer,
// subject), never by username, so an IdP user cannot take over a local
// account that happens to share the name.
import { randomBytes } from "node:crypto";
import * as client from "openid-client";
import { findOidcIdentity, insertOidcIdentity, insertOidcLogin, takeOidcLogin } from "../../db/repos/oidc.repo.ts";
import { findUserById, updateUser } from "../../db/repos/user.repo.ts";
import { markEmailVerified, setUserEmail } from "../../db/repos/mail.repo.ts";
import { DomainError, forbidden, validationFailed } from "../../domain/errors.ts";
import { audienceFromClaims, roleFromClaims, usernameFromClaims, type OidcClaimSettings } from "../../domain/oidc.rules.ts";
import { safeRedirectPath } from "../../domain/redirect.rules.ts";
import type { ServiceContext } from "../context.ts";
import { createUser, toLocalUser, type LocalUser } from "./user.service.ts";

export interface OidcSettings extends OidcClaimSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  /** What the button says: "Sign in with …". */
  label: string;
  /** http:// issuers (tests, loopback demos) only with ECOTONE_ALLOW_PRIVATE_ADDRESSES. */
  allowInsecure: boolean;
}

const LOGIN_MINUTES = 10;

export class CompanySignIn {
  readonly settings: OidcSettings;
  #config: Promise<client.Configuration> | null = null;

  constructor(settings: OidcSettings) {
    this.settings = settings;
  }

  /** Discovery once per process; a failure is retried at the next sign-in. */
  #configuration(): Promise<client.Configuration> {
    this.#config ??= client
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, this.settings.clientSecret ? undefined : client.None(), {
        ...(this.settings.allowInsecure ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        this.#config = null;
        throw new DomainError(
          "unavailable",
          `The company sign-in (${this.settings.issuer}) cannot be reached: ${(error as Error).message}. Try again, or ask your administrator`,
        );
      });
    return this.#config;
  }

  /** Where to send the browser, and the state to keep in its cookie. */
  async start(ctx: ServiceContext, redirectUri: string, next: unknown): Promise<{ url: string; state: string }> {
    const config = await this.#configuration();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    await insertOidcLogin(ctx.db, { state, nonce, codeVerifier, next: safeRedirectPath(next), expiresAt: new Date(Date.now() + LOGIN_MINUTES * 60_000) });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid profile email",
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a sign-in: `callbackUrl` is the URL the IdP sent the browser
   * to, `cookieState` the state this browser started with.
   */
  async finish(ctx: ServiceContext, callbackUrl: URL, cookieState: string | undefined): Promise<{ user: LocalUser; next: string }> {
    if (!cookieState) throw validationFailed("This sign-in was not started in this browser (or took too long); start again from the sign-in page");
    const login = await takeOidcLogin(ctx.db, cookieState);
    if (!login) throw validationFailed("This sign-in expired or was already used; start again from the sign-in page");
    const config = await this.#configuration();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
    } catch (error) {
      ctx.logger.warn({ err: (error as Error).message }, "company sign-in refused");
      throw validationFailed(`The company sign-in answer was refused (${(error as Error).message}); start again from the sign-in page`);
    }
    const subject = typeof claims.sub === "string" ? claims.sub : "";
    if (!subject) throw validationFailed("The identity provider sent no subject");
    const issuer = config.serverMetadata().issuer;
    const user = await this.#account(ctx, issuer, subject, claims);
    return { user, next: login.next_path };
  }

  async #account(ctx: ServiceContext, issuer: string, subject: string, claims: Record<string, unknown>): Promise<LocalUser> {
    const role = roleFromClaims(claims, this.settings);
    const audience = audienceFromClaims(claims, this.settings);
    let userId = await findOidcIdentity(ctx.db, issuer, subject);
    if (!userId) {
      const base = usernameFromClaims(claims);
      let created: LocalUser | null = null;
      for (let i = 0; i < 20 && !created; i++) {
        const username = i === 0 ? base : `${base.slice(0, 24)}_${i + 1}`;
        try {
          created = await createUser(ctx, { username, role, audience, displayName: typeof claims.name === "string" ? claims.name : undefined });
        } catch (error) {
          if (!(error instanceof DomainError) || (error.code !== "conflict" && error.code !== "validation_failed")) throw error;
        }
      }
      if (!created) created = await createUser(ctx, { username: `user_${randomBytes(4).toString("hex")}`, role, audience });
      await insertOidcIdentity(ctx.db, issuer, subject, created.id);
      userId = created.id;
      if (typeof claims.email === "string" && claims.email_verified === true) {
        await setUserEmail(ctx.db, userId, claims.email);
        await markEmailVerified(ctx.db, userId, claims.email);
      }
    }
    const row = await findUserById(ctx.db, userId);
    if (!row) throw validationFailed("The linked account no longer exists");
    if (row.suspended_at) throw forbidden("This account is suspended; ask your administrator");
    if (row.role !== role || row.audience !== audience) await updateUser(ctx.db, userId, { role, audience });
    return toLocalUser((await findUserById(ctx.db, userId))!);
  }
}
