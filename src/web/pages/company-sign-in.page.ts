// Signing in with the company's identity provider (OpenID Connect): start
// sends the browser to the provider with state, nonce and PKCE; the callback
// finishes, opens a session and returns to where the person was going (the
// web interface, or the OAuth consent page of a Mastodon app).
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.ts";
import { createSession } from "../../services/accounts/browser-session.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { SESSION_COOKIE } from "../../services/accounts/session-cookie.ts";
import { html } from "../html.ts";
import { sendPage } from "../layout.ts";
import { setCookie, setFlash } from "../session.ts";

const STATE_COOKIE = "ecotone_oidc_state";
const CALLBACK = "/sign-in/company/callback";

export function registerCompanySignInPages(fastify: FastifyInstance, ctx: ServiceContext): void {
  const company = ctx.companySignIn;
  if (!company) return;
  const redirectUri = new URL(CALLBACK, ctx.origin).href;
  const refuse = (request: Parameters<typeof sendPage>[1], reply: Parameters<typeof sendPage>[2], error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    return sendPage(ctx, request, reply, {
      title: "Sign-in refused",
      session: null,
      status: error.code === "unavailable" ? 503 : error.code === "forbidden" ? 403 : 400,
      body: html`<h1>Sign-in refused</h1><p class="flash error" role="alert">${error.message}</p><p><a href="/sign-in">Back to the sign-in page</a></p>`,
    });
  };

  fastify.get("/sign-in/company", async (request, reply) => {
    try {
      const started = await company.start(ctx, redirectUri, (request.query as Record<string, unknown>).next);
      setCookie(ctx, reply, STATE_COOKIE, started.state, 600);
      return reply.redirect(started.url, 303);
    } catch (error) {
      return refuse(request, reply, error);
    }
  });

  fastify.get(CALLBACK, async (request, reply) => {
    const cookieState = request.cookies[STATE_COOKIE];
    setCookie(ctx, reply, STATE_COOKIE, "", 0);
    try {
      const done = await company.finish(ctx, new URL(request.url, ctx.origin), cookieState);
      const created = await createSession(ctx, done.user.id);
      setCookie(ctx, reply, SESSION_COOKIE, created.cookieValue, created.maxAgeSeconds);
      setFlash(ctx, reply, { kind: "done", message: `Signed in as @${done.user.username}.` });
      return reply.redirect(done.next, 303);
    } catch (error) {
      return refuse(request, reply, error);
    }
  });
}
