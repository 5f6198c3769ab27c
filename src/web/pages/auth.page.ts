// Signing in and out, and joining through an invitation link. The session is
// the same one the OAuth consent page uses. The sign-in form has no session
// yet, so its CSRF token is a double-submit cookie.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createSession, endSession } from "../../services/accounts/browser-session.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { describeInvite, redeemInvite } from "../../services/groups/invite.service.ts";
import { signIn, THROTTLED_MESSAGE } from "../../services/accounts/sign-in.service.ts";
import { safeRedirectPath } from "../../domain/redirect.rules.ts";
import { DomainError } from "../../domain/errors.ts";
import { html } from "../html.ts";
import { sendPage } from "../layout.ts";
import { field, type Fields, type WebRoutes } from "../routes.ts";
import { SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, SIGN_IN_CSRF_SECONDS } from "../../services/accounts/session-cookie.ts";
import { setCookie, setFlash } from "../session.ts";

/** Only paths on this site: `next` must not send a person elsewhere after signing in. */
const safeNext = safeRedirectPath;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length > 0 && x.length === y.length && timingSafeEqual(x, y);
}

export function signInForm(ctx: ServiceContext, reply: FastifyReply, request: FastifyRequest, next: string, error?: string) {
  const token = request.cookies[SIGN_IN_CSRF_COOKIE] ?? randomBytes(24).toString("base64url");
  setCookie(ctx, reply, SIGN_IN_CSRF_COOKIE, token, SIGN_IN_CSRF_SECONDS);
  const company = ctx.companySignIn
    ? html`<p><a class="button" href="/sign-in/company?next=${encodeURIComponent(next)}">Sign in with ${ctx.companySignIn.settings.label}</a></p>`
    : "";
  if (ctx.passwordSignIn === false) {
    return html`<div class="stack card"><h2 id="sign-in-title">Sign in</h2>${error ? html`<p class="flash error" role="alert">${error}</p>` : ""}${company}</div>`;
  }
  return html`<form method="post" action="/sign-in" class="stack card" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    ${error ? html`<p class="flash error" role="alert">${error}</p>` : ""}
    ${company}
    <input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="next" value="${next}">
    <div><label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required></div>
    <div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
    <div><button type="submit">Sign in</button></div>
    <p><a href="/password/forgot">Forgot your password?</a></p>
  </form>`;
}

export function registerAuthPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  routes.page("/sign-in", async (request, reply, session) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    if (session) return reply.redirect(next, 303);
    return sendPage(ctx, request, reply, { title: "Sign in", session: null, section: "sign-in", body: signInForm(ctx, reply, request, next) });
  });

  fastify.post("/sign-in", async (request, reply) => {
    const body = (request.body ?? {}) as Fields;
    const next = safeNext(body.next);
    const fail = (message: string, status: number) =>
      sendPage(ctx, request, reply, { title: "Sign in", session: null, status, body: signInForm(ctx, reply, request, next, message) });
    if (!sameToken(field(body, "_csrf"), request.cookies[SIGN_IN_CSRF_COOKIE] ?? "")) {
      return fail("The form expired; please try again.", 403);
    }
    const username = field(body, "username").trim();
    const result = await signIn(ctx, username, field(body, "password"), request.ip);
    if (!result.ok && result.reason === "password_off") return fail("Signing in with a password is turned off here: use the company sign-in.", 403);
    if (!result.ok) return result.reason === "throttled" ? fail(THROTTLED_MESSAGE, 429) : fail("Wrong username or password.", 401);
    const user = result.user;
    const created = await createSession(ctx, user.id);
    setCookie(ctx, reply, SESSION_COOKIE, created.cookieValue, created.maxAgeSeconds);
    setCookie(ctx, reply, SIGN_IN_CSRF_COOKIE, "", 0);
    setFlash(ctx, reply, { kind: "done", message: `Signed in as @${user.username}.` });
    return reply.redirect(next, 303);
  });

  routes.action("/sign-out", async (request) => {
    await endSession(ctx, request.cookies[SESSION_COOKIE]);
    return { to: "/sign-in", done: "Signed out.", cookies: [{ name: SESSION_COOKIE, value: "", maxAgeSeconds: 0 }] };
  });

  routes.page("/join/:token", async (request, reply, session) => {
    const token = (request.params as { token: string }).token;
    const invite = await describeInvite(ctx, token);
    if (!invite) throw new DomainError("not_found", "This invitation link is used up or has expired; ask for a new one");
    const csrf = request.cookies[SIGN_IN_CSRF_COOKIE] ?? randomBytes(24).toString("base64url");
    setCookie(ctx, reply, SIGN_IN_CSRF_COOKIE, csrf, SIGN_IN_CSRF_SECONDS);
    return sendPage(ctx, request, reply, {
      title: "Join",
      session,
      body: html`<h1>Join ${ctx.instanceName}</h1>
        <p>${invite.invitedBy ? `${invite.invitedBy} invited you to ${ctx.instanceName}` : `You are invited to ${ctx.instanceName}`}: its groups, tasks and idea boards, shared with partner companies. Choose how you sign in.</p>
        <form method="post" action="/join/${token}" class="stack card">
          <input type="hidden" name="_csrf" value="${csrf}">
          <div><label for="username">Username</label><input id="username" name="username" type="text" autocomplete="username" required pattern="[a-z0-9_]+" aria-describedby="username-help"><p id="username-help" class="muted">Lower-case letters, digits and _.</p></div>
          <div><label for="displayName">Your name</label><input id="displayName" name="displayName" type="text" autocomplete="name"></div>
          <div><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="10"></div>
          <div><button type="submit">Create my account</button></div>
        </form>`,
    });
  });

  fastify.post("/join/:token", async (request, reply) => {
    const body = (request.body ?? {}) as Fields;
    const token = (request.params as { token: string }).token;
    const back = `/join/${token}`;
    if (!sameToken(field(body, "_csrf"), request.cookies[SIGN_IN_CSRF_COOKIE] ?? "")) {
      setFlash(ctx, reply, { kind: "error", message: "The form expired; please try again." });
      return reply.redirect(back, 303);
    }
    try {
      const user = await redeemInvite(ctx, token, {
        username: field(body, "username").trim(),
        password: field(body, "password"),
        displayName: field(body, "displayName").trim() || undefined,
      });
      const created = await createSession(ctx, user.id);
      setCookie(ctx, reply, SESSION_COOKIE, created.cookieValue, created.maxAgeSeconds);
      setFlash(ctx, reply, { kind: "done", message: `Welcome, @${user.username}!` });
      return reply.redirect("/", 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      setFlash(ctx, reply, { kind: "error", message: error.message });
      return reply.redirect(back, 303);
    }
  });
}
