// OAuth 2 endpoints for client apps: /api/v1/apps, /oauth/authorize (sign-in
// and consent, CSRF-protected), /oauth/token, /oauth/revoke, and the RFC 8414
// discovery document.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { OAuthError } from "../../domain/oauth.errors.ts";
import { createSession, readSession } from "../../services/accounts/browser-session.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  appOfToken,
  authenticateAppToken,
  checkAuthorizeRequest,
  exchangeToken,
  issueCode,
  OOB_REDIRECT,
  registerApp,
  revokeOAuthToken,
} from "../../services/apps/oauth-app.service.ts";
import { escapeHtml, renderConsentPage, renderMessagePage } from "./oauth.page.ts";
import { signIn, THROTTLED_MESSAGE } from "../../services/accounts/sign-in.service.ts";
import { cookieOptions, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE as CSRF_COOKIE, SIGN_IN_CSRF_SECONDS } from "../../services/accounts/session-cookie.ts";

type Fields = Record<string, unknown>;

function fields(request: FastifyRequest): Fields {
  return request.body && typeof request.body === "object" ? (request.body as Fields) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** force_login=true: ask for the password even when a session exists. */
function isForceLogin(source: Fields): boolean {
  return source.force_login === "true" || source.force_login === "1";
}

function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  return reply.code(error.status).send({ error: error.error, error_description: error.message });
}

export function registerOAuthRoutes(fastify: FastifyInstance, ctx: ServiceContext, options: { passwordGrant?: boolean } = {}): void {
  const setCookie = (reply: FastifyReply, name: string, value: string, maxAgeSeconds: number) =>
    reply.setCookie(name, value, cookieOptions(ctx.origin, maxAgeSeconds));

  function pageHeaders(reply: FastifyReply, redirectUri?: string) {
    // The form may post back here and lead on to the app's redirect URI.
    const formAction = ["'self'"];
    if (redirectUri && redirectUri !== OOB_REDIRECT) {
      const target = new URL(redirectUri);
      formAction.push(target.protocol.startsWith("http") ? target.origin : target.protocol);
    }
    reply.helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], formAction, frameAncestors: ["'none'"], baseUri: ["'none'"] },
      },
      xFrameOptions: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
    });
    reply.header("cache-control", "no-store");
    reply.type("text/html; charset=utf-8");
  }

  fastify.post("/api/v1/apps", async (request, reply) => {
    const f = fields(request);
    try {
      return await registerApp(ctx, {
        clientName: f.client_name,
        redirectUris: f.redirect_uris ?? f.redirect_uri,
        scopes: f.scopes,
        website: f.website,
      });
    } catch (error) {
      if (error instanceof OAuthError) return reply.code(422).send({ error: error.message });
      throw error;
    }
  });

  fastify.get("/api/v1/apps/verify_credentials", async (request, reply) => {
    const auth = request.auth;
    if (auth) return (await appOfToken(ctx, auth.appId ?? null)) ?? { name: "ecotone-cli", website: null, scopes: [] };
    const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const app = bearer ? await authenticateAppToken(ctx, bearer.trim()) : null;
    if (!app) return reply.code(401).send({ error: "The access token is invalid" });
    return app;
  });

  const authorizeParams = (source: Fields) => ({
    clientId: str(source.client_id) ?? "",
    redirectUri: str(source.redirect_uri) ?? "",
    scope: (str(source.scope) ?? "").replace(/\+/g, " "),
    responseType: str(source.response_type) ?? "code",
    state: str(source.state),
    codeChallenge: str(source.code_challenge),
    codeChallengeMethod: str(source.code_challenge_method),
  });

  async function showConsent(request: FastifyRequest, reply: FastifyReply, source: Fields, error?: string, status = 200) {
    const params = authorizeParams(source);
    let checked;
    try {
      checked = await checkAuthorizeRequest(ctx, params);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      pageHeaders(reply);
      return reply.code(400).send(renderMessagePage("This app cannot be authorized", `<p class="error">${escapeHtml(e.message)}</p>`));
    }
    const forceLogin = isForceLogin(source);
    const session = forceLogin ? null : await readSession(ctx, request.cookies[SESSION_COOKIE]);
    // Double-submit CSRF token for the sign-in form; the session's own token once signed in.
    const csrf = session?.csrfToken ?? request.cookies[CSRF_COOKIE] ?? randomBytes(24).toString("base64url");
    if (!session) setCookie(reply, CSRF_COOKIE, csrf, SIGN_IN_CSRF_SECONDS);
    pageHeaders(reply, checked.redirectUri);
    const hidden: Record<string, string> = {
      client_id: params.clientId,
      redirect_uri: checked.redirectUri,
      scope: checked.scopes.join(" "),
      response_type: "code",
    };
    if (params.state) hidden.state = params.state;
    if (params.codeChallenge) hidden.code_challenge = params.codeChallenge;
    if (params.codeChallengeMethod) hidden.code_challenge_method = params.codeChallengeMethod;
    // Carried into the POST so it, too, ignores an existing session.
    if (forceLogin) hidden.force_login = "true";
    return reply.code(status).send(
      renderConsentPage({
        instanceName: ctx.instanceName,
        appName: checked.app.name,
        scopes: checked.scopes,
        signedInAs: session ? `@${session.user.username}` : null,
        csrfToken: csrf,
        hidden,
        error,
        companySignIn: ctx.companySignIn
          ? { label: ctx.companySignIn.settings.label, url: `/sign-in/company?next=${encodeURIComponent(`/oauth/authorize?${new URLSearchParams(hidden)}`)}` }
          : null,
        passwordSignIn: ctx.passwordSignIn !== false,
      }),
    );
  }

  fastify.get("/oauth/authorize", async (request, reply) => showConsent(request, reply, request.query as Fields));

  fastify.post("/oauth/authorize", async (request, reply) => {
    const f = fields(request);
    const jar = request.cookies;
    const session = isForceLogin(f) ? null : await readSession(ctx, jar[SESSION_COOKIE]);
    const expected = session?.csrfToken ?? jar[CSRF_COOKIE];
    const given = str(f.csrf_token);
    if (!expected || !given || !sameText(expected, given)) {
      pageHeaders(reply);
      return reply.code(403).send(renderMessagePage("Request refused", "<p>The form expired or was not sent from this site. Go back and try again.</p>"));
    }
    let checked;
    try {
      checked = await checkAuthorizeRequest(ctx, authorizeParams(f));
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      pageHeaders(reply);
      return reply.code(400).send(renderMessagePage("This app cannot be authorized", `<p class="error">${escapeHtml(e.message)}</p>`));
    }
    const params = authorizeParams(f);
    const redirect = (query: Record<string, string>) => {
      const target = new URL(checked.redirectUri);
      for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
      if (params.state) target.searchParams.set("state", params.state);
      return reply.redirect(target.href, 302);
    };
    if (f.decision === "deny") {
      if (checked.redirectUri === OOB_REDIRECT) {
        pageHeaders(reply);
        return reply.send(renderMessagePage("Authorization denied", "<p>You can close this page.</p>"));
      }
      return redirect({ error: "access_denied", error_description: "The user denied the request" });
    }

    let userId = session?.user.id;
    if (!session) {
      const username = str(f.username)?.trim() ?? "";
      const result = await signIn(ctx, username, str(f.password) ?? "", request.ip);
      if (!result.ok) {
        return result.reason === "throttled"
          ? showConsent(request, reply, f, THROTTLED_MESSAGE, 429)
          : showConsent(request, reply, f, "Wrong username or password.", 401);
      }
      const user = result.user;
      userId = user.id;
      const created = await createSession(ctx, user.id);
      setCookie(reply, SESSION_COOKIE, created.cookieValue, created.maxAgeSeconds);
      setCookie(reply, CSRF_COOKIE, "", 0);
    }

    const code = await issueCode(ctx, {
      appId: checked.app.id,
      userId: userId!,
      redirectUri: checked.redirectUri,
      scopes: checked.scopes,
      challenge: params.codeChallenge ?? null,
      method: checked.method,
    });
    if (checked.redirectUri === OOB_REDIRECT) {
      pageHeaders(reply);
      return reply.send(
        renderMessagePage("Authorization code", `<p>Copy this code into ${escapeHtml(checked.app.name)}:</p><p><code id="code">${escapeHtml(code)}</code></p>`),
      );
    }
    return redirect({ code });
  });

  fastify.post("/oauth/token", async (request, reply) => {
    const f = fields(request);
    const basic = /^basic\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    try {
      return await exchangeToken(ctx, {
        passwordGrant: options.passwordGrant,
        username: str(f.username)?.trim() ?? "",
        address: request.ip,
        password: str(f.password),
        scope: str(f.scope),
        grantType: str(f.grant_type),
        code: str(f.code),
        redirectUri: str(f.redirect_uri),
        clientId: str(f.client_id) ?? basicId,
        clientSecret: str(f.client_secret) ?? basicSecret,
        codeVerifier: str(f.code_verifier),
        refreshToken: str(f.refresh_token),
      });
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  });

  fastify.post("/oauth/revoke", async (request, reply) => {
    const f = fields(request);
    try {
      await revokeOAuthToken(ctx, { token: str(f.token), clientId: str(f.client_id), clientSecret: str(f.client_secret) });
      return {};
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      throw error;
    }
  });

  fastify.get("/.well-known/oauth-authorization-server", async () => {
    const base = ctx.origin.origin;
    return {
      issuer: `${base}/`,
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      app_registration_endpoint: `${base}/api/v1/apps`,
      scopes_supported: [
        "read",
        "write",
        "follow",
        "push",
        "profile",
        "read:accounts",
        "read:statuses",
        "read:notifications",
        "read:follows",
        "read:bookmarks",
        "read:favourites",
        "write:accounts",
        "write:statuses",
        "write:notifications",
        "write:follows",
        "write:bookmarks",
        "write:favourites",
      ],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "client_credentials", "refresh_token", ...(options.passwordGrant ? ["password"] : [])],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    };
  });
}
