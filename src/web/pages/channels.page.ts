// Pages of the channels: notification settings (which mail, which address),
// the links mail carries (confirm an address, unsubscribe, reset a password)
// and, for admins, the Outgoing mail page: what was sent or, without SMTP,
// kept here instead.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../../domain/errors.ts";
import { EMAIL_KIND_LABELS, EMAIL_KINDS } from "../../domain/notification-kinds.rules.ts";
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { emailStatus, requestPasswordReset, resetPassword, setEmail, verifyEmail } from "../../services/channels/mail-account.service.ts";
import { outgoingMail, outgoingMailById } from "../../services/channels/mail.service.ts";
import {
  digestPreferences,
  emailPreferences,
  unsubscribeByToken,
  updateDigestPreferences,
  updateEmailPreferences,
} from "../../services/channels/notification-preferences.service.ts";
import { DIGEST_FREQUENCIES, type DigestFrequency } from "../../domain/digest.rules.ts";
import { SESSION_COOKIE } from "../../services/accounts/session-cookie.ts";
import { browserPushState, subscribeBrowser, unsubscribeBrowser } from "../../services/channels/browser-push.service.ts";
import type { WebSession } from "../session.ts";
import { html, when } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, type Fields, type WebRoutes } from "../routes.ts";
import { beforeOf, pager } from "../components.ts";
import { ADMIN_TABS, SETTINGS_TABS, tabRow } from "../nav.ts";

const sessionCookie = (request: FastifyRequest) => request.cookies[SESSION_COOKIE] ?? "";

/** Opt-in only: nothing is asked of the browser until the person presses the button. */
function browserPushCard(session: WebSession, push: { subscribed: boolean; vapidPublicKey: string }) {
  return push.subscribed
    ? html`<form method="post" action="/settings/push/off" class="stack card">${csrfField(session)}
          <h2>Notifications in this browser</h2>
          <p>On: this browser shows your notifications, even when the page is closed.</p>
          <div><button type="submit">Stop notifications in this browser</button></div>
        </form>`
    : html`<form method="post" action="/settings/push" class="stack card" data-push-optin data-vapid-key="${push.vapidPublicKey}">${csrfField(session)}
          <h2>Notifications in this browser</h2>
          <p>Off. Turn them on to see mentions, tasks and answers here, even when the page is closed; your browser asks your permission.</p>
          <input type="hidden" name="endpoint" value=""><input type="hidden" name="p256dh" value=""><input type="hidden" name="auth" value="">
          <p data-push-status role="status" hidden></p>
          <div><button type="submit">Notify me in this browser</button></div>
        </form>`;
}

const tokenOf = (request: FastifyRequest) => {
  const token = (request.query as Record<string, unknown>).token;
  return typeof token === "string" ? token : "";
};

export function registerChannelPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  const plain = (request: FastifyRequest, reply: FastifyReply, title: string, body: ReturnType<typeof html>, status = 200) =>
    sendPage(ctx, request, reply, { title, session: null, status, body });
  const refusal = (request: FastifyRequest, reply: FastifyReply, title: string, error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    return plain(
      request,
      reply,
      title,
      html`<h1>${title}</h1><p class="flash error" role="alert">${error.message}</p>`,
      error.code === "rate_limited" ? 429 : 422,
    );
  };

  routes.signedInPage("/settings/notifications", async (request, reply, session) => {
    const actor = await requireLocalUserActor(ctx, session.user.username);
    const [prefs, email, digest, push] = await Promise.all([
      emailPreferences(ctx, actor.id),
      emailStatus(ctx, session.user.username),
      digestPreferences(ctx, actor.id),
      browserPushState(ctx, sessionCookie(request)),
    ]);
    const state = !email.email
      ? "No address yet."
      : email.bounced
        ? "Mail to it bounced; set it again."
        : email.verified
          ? "Confirmed."
          : "Waiting for you to open the confirmation link we mailed.";
    const hasPassword = email.hasPassword;
    return sendPage(ctx, request, reply, {
      title: "Notification settings",
      session,
      section: "settings",
      body: html`<h1>Notification settings</h1>${tabRow("Settings", SETTINGS_TABS, "notifications")}
        <form method="post" action="/settings/email" class="stack card">${csrfField(session)}
          <h2>Email address</h2>
          <p>${state}</p>
          <div><label for="email">Address</label><input id="email" name="email" type="email" autocomplete="email" value="${email.email ?? ""}" required></div>
          ${hasPassword ? html`<div><label for="current_password">Current password</label><input id="current_password" name="current_password" type="password" autocomplete="current-password" required></div>` : ""}
          <div><button type="submit">Save and send a confirmation link</button></div>
        </form>
        <form method="post" action="/settings/notifications" class="stack card">${csrfField(session)}
          <h2>Email me when…</h2>
          <p>Notifications in one thread are sent together in one mail.</p>
          ${EMAIL_KINDS.map(
            (kind) =>
              html`<div><input id="k-${kind}" name="${kind}" type="checkbox" value="true"${prefs[kind] ? html` checked` : ""}> <label for="k-${kind}" class="inline-label">${EMAIL_KIND_LABELS[kind]}</label></div>`,
          )}
          <div><button type="submit">Save</button></div>
        </form>
        <form method="post" action="/settings/digest" class="stack card">${csrfField(session)}
          <h2>Digest</h2>
          <p>What happened in your groups: the busiest threads, ideas answered, your tasks due soon.</p>
          <div><label for="frequency">How often</label><select id="frequency" name="frequency">${DIGEST_FREQUENCIES.map(
            (f) =>
              html`<option value="${f}"${digest.frequency === f ? html` selected` : ""}>${{ off: "Never", daily: "Every day", weekly: "Every Monday" }[f]}</option>`,
          )}</select></div>
          <div><label for="timeZone">Your time zone</label><input id="timeZone" name="timeZone" type="text" value="${digest.timeZone}" placeholder="Europe/Paris"></div>
          <div><label for="hour">At (hour, 0–23)</label><input id="hour" name="hour" type="number" min="0" max="23" value="${String(digest.hour)}"></div>
          <div><button type="submit">Save digest</button></div>
        </form>
        ${browserPushCard(session, push)}`,
    });
  });

  routes.action("/settings/digest", async (_request, session, body) => {
    const actor = await requireLocalUserActor(ctx, session.user.username);
    const frequency = field(body, "frequency") as DigestFrequency;
    const hour = Number(field(body, "hour"));
    await updateDigestPreferences(ctx, actor.id, { frequency, timeZone: field(body, "timeZone").trim() || "UTC", hour });
    return { done: frequency === "off" ? "No digest." : "Digest saved." };
  });

  // The page's script fills these fields from the browser's push subscription (push-optin.js).
  routes.action("/settings/push", async (request, session, body) => {
    const actor = await requireLocalUserActor(ctx, session.user.username);
    await subscribeBrowser(
      ctx,
      { cookieValue: sessionCookie(request), actorId: actor.id },
      { endpoint: field(body, "endpoint"), p256dh: field(body, "p256dh"), auth: field(body, "auth") },
    );
    return { done: "This browser will show your notifications." };
  });

  routes.action("/settings/push/off", async (request) => {
    await unsubscribeBrowser(ctx, sessionCookie(request));
    return { done: "This browser no longer shows your notifications." };
  });

  routes.action("/settings/notifications", async (_request, session, body) => {
    const actor = await requireLocalUserActor(ctx, session.user.username);
    await updateEmailPreferences(ctx, actor.id, Object.fromEntries(EMAIL_KINDS.map((k) => [k, field(body, k) === "true"])));
    return { done: "Notification settings saved." };
  });

  routes.action("/settings/email", async (_request, session, body) => {
    const password = field(body, "current_password");
    const set = await setEmail(ctx, session.user.username, field(body, "email"), password ? { currentPassword: password } : { webSession: true });
    return { done: `We mailed a confirmation link to ${set.email}; open it to start getting mail.` };
  });

  routes.page("/mail/verify", async (request, reply) => {
    try {
      const done = await verifyEmail(ctx, tokenOf(request));
      return plain(
        request,
        reply,
        "Address confirmed",
        html`<h1>Address confirmed</h1><p>${done.email} now gets mail for @${done.username}.</p><p><a href="/settings/notifications">Choose which mail you get</a></p>`,
      );
    } catch (error) {
      return refusal(request, reply, "Cannot confirm this address", error);
    }
  });

  // A GET never unsubscribes (mail scanners open links); the button posts.
  routes.page("/mail/unsubscribe", async (request, reply) =>
    plain(
      request,
      reply,
      "Unsubscribe",
      html`<h1>Stop this kind of mail?</h1>
        <form method="post" action="/mail/unsubscribe/confirm?token=${encodeURIComponent(tokenOf(request))}" class="stack card"><div><button type="submit">Unsubscribe</button></div></form>
        <p><a href="/settings/notifications">Or choose on your notification settings</a></p>`,
    ),
  );

  fastify.post("/mail/unsubscribe/confirm", async (request, reply) => {
    try {
      await unsubscribeByToken(ctx, tokenOf(request));
      return plain(
        request,
        reply,
        "Unsubscribed",
        html`<h1>Unsubscribed</h1><p>You will not get this kind of mail any more. <a href="/settings/notifications">Change your mind</a></p>`,
      );
    } catch (error) {
      return refusal(request, reply, "Cannot unsubscribe", error);
    }
  });

  routes.page("/password/forgot", async (request, reply) =>
    plain(
      request,
      reply,
      "Forgot your password?",
      html`<h1>Forgot your password?</h1>
        <form method="post" action="/password/forgot" class="stack card">
          <div><label for="login">Username or confirmed email address</label><input id="login" name="login" type="text" autocomplete="username" required></div>
          <div><button type="submit">Mail me a reset link</button></div>
        </form>`,
    ),
  );

  fastify.post("/password/forgot", async (request, reply) => {
    await requestPasswordReset(ctx, field((request.body ?? {}) as Fields, "login"));
    return plain(
      request,
      reply,
      "Check your mail",
      html`<h1>Check your mail</h1><p>If that account has a confirmed address, a reset link is on its way. It works once, for an hour.</p>`,
    );
  });

  const resetForm = (token: string, error?: string) => html`<h1>Choose a new password</h1>
    ${error ? html`<p class="flash error" role="alert">${error}</p>` : ""}
    <form method="post" action="/password/reset" class="stack card"><input type="hidden" name="token" value="${token}">
      <div><label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required></div>
      <div><button type="submit">Set password</button></div>
    </form>`;
  routes.page("/password/reset", async (request, reply) => plain(request, reply, "Choose a new password", resetForm(tokenOf(request))));
  fastify.post("/password/reset", async (request, reply) => {
    const body = (request.body ?? {}) as Fields;
    try {
      const done = await resetPassword(ctx, field(body, "token"), field(body, "password"));
      return plain(
        request,
        reply,
        "Password changed",
        html`<h1>Password changed</h1><p>Sign in as @${done.username} with your new password. Your other sessions and apps were signed out.</p><p><a href="/sign-in">Sign in</a></p>`,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return plain(request, reply, "Choose a new password", resetForm(field(body, "token"), error.message), 422);
    }
  });

  routes.adminPage("/admin/mail", async (request, reply, session) => {
    const before = beforeOf(request.query);
    const rows = await outgoingMail(ctx, "web-session", { ...(before ? { before } : {}), limit: 30 });
    return sendPage(ctx, request, reply, {
      title: "Outgoing mail",
      session,
      section: "admin",
      body: html`<h1>Administration</h1>${tabRow("Administration", ADMIN_TABS, "mail")}<h2>Outgoing mail</h2>
        <p>Status “kept” means the mail stayed here and was not sent: <code>ECOTONE_SMTP_URL</code> is unset (docs/channels.md).</p>
        <table><thead><tr><th>When</th><th>To</th><th>Subject</th><th>Status</th></tr></thead><tbody>
        ${rows.map(
          (m) =>
            html`<tr><td>${when(m.created_at)}</td><td>${m.to_address}</td><td><a href="/admin/mail/${m.id}">${m.subject}</a></td><td>${m.status}${m.last_error ? html` (${m.last_error})` : ""}</td></tr>`,
        )}
        </tbody></table>
        ${pager("/admin/mail", {}, rows.length === 30 ? rows.at(-1)!.id : null, before)}`,
    });
  });

  routes.adminPage("/admin/mail/:id", async (request, reply, session) => {
    const mail = await outgoingMailById(ctx, "web-session", (request.params as { id: string }).id);
    return sendPage(ctx, request, reply, {
      title: mail.subject,
      session,
      section: "admin",
      body: html`<h1>${mail.subject}</h1><p>To ${mail.to_address} · ${mail.status} · ${when(mail.created_at)}</p><pre>${mail.text_body}</pre><p><a href="/admin/mail">All outgoing mail</a></p>`,
    });
  });
}
