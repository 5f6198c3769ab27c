// Email over the Ecotone API: the account's address and its verification,
// password reset by email, notification preferences, the one-click
// unsubscribe (RFC 8058) and, for admins, the outgoing mail.
import type { FastifyInstance } from "fastify";
import { forbidden } from "../../domain/errors.ts";
import { EMAIL_KINDS } from "../../domain/notification-kinds.rules.ts";
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { emailStatus, requestPasswordReset, resetPassword, setEmail, verifyEmail } from "../../services/channels/mail-account.service.ts";
import { inviteByEmail } from "../../services/channels/mail-invite.service.ts";
import { outgoingMail, outgoingMailById } from "../../services/channels/mail.service.ts";
import {
  digestPreferences,
  emailPreferences,
  unsubscribeByToken,
  updateDigestPreferences,
  updateEmailPreferences,
} from "../../services/channels/notification-preferences.service.ts";
import { signedIn } from "./guard.ts";
import { registerInboundMailRoute } from "./inbound-mail.routes.ts";
import { IdParams, RequiredText, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1";

const EmailBody = Type.Object({ email: RequiredText({ maxLength: 254 }), currentPassword: RequiredText({ maxLength: 1024 }) });
const TokenBody = Type.Object({ token: RequiredText({ maxLength: 200 }) });
const ResetRequestBody = Type.Object({ login: RequiredText({ maxLength: 254 }) });
const ResetBody = Type.Object({ token: RequiredText({ maxLength: 200 }), password: RequiredText({ maxLength: 1024 }) });
const PreferencesBody = Type.Object({
  email: Type.Optional(Type.Partial(Type.Object(Object.fromEntries(EMAIL_KINDS.map((k) => [k, Type.Boolean()]))), { additionalProperties: false })),
  digest: Type.Optional(
    Type.Object(
      {
        frequency: Type.Optional(Type.Union([Type.Literal("off"), Type.Literal("daily"), Type.Literal("weekly")])),
        timeZone: Type.Optional(Type.String({ maxLength: 64 })),
        hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
      },
      { additionalProperties: false },
    ),
  ),
});
const UnsubscribeQuery = Type.Object({ token: RequiredText({ maxLength: 300 }) });
const InvitationBody = Type.Object({
  email: RequiredText({ maxLength: 254 }),
  role: Type.Optional(Type.String({ maxLength: 20 })),
  audience: Type.Optional(Type.String({ maxLength: 20 })),
});
const MailListQuery = Type.Object({ before: Type.Optional(Type.String({ maxLength: 40 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) });

export function registerMailRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  registerInboundMailRoute(fastify, ctx);
  const app = typed(fastify);

  app.get(`${BASE}/account/email`, route("Your email address and whether it is verified", "read:accounts"), async (request) =>
    emailStatus(ctx, signedIn(request).username),
  );

  app.put(
    `${BASE}/account/email`,
    route(
      'Set your email address: {"email", "currentPassword"}; a confirmation link is mailed to it, the old address is told, and mail is sent only once it is confirmed. The password is asked because a password reset goes to this address: a token alone must not move it',
      "write:accounts",
      { body: EmailBody },
    ),
    async (request, reply) =>
      reply.code(202).send(await setEmail(ctx, signedIn(request).username, request.body.email, { currentPassword: request.body.currentPassword })),
  );

  app.post(`${BASE}/account/email/verify`, route('Confirm an address with the token of its link: {"token"}', null, { body: TokenBody }), async (request) => ({
    ...(await verifyEmail(ctx, request.body.token)),
    verified: true,
  }));

  app.post(
    `${BASE}/password/reset-request`,
    route('Mail a password reset link: {"login": username or verified address}; always 202, whether or not the account exists', null, {
      body: ResetRequestBody,
    }),
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.login);
      return reply.code(202).send({ ok: true });
    },
  );

  app.post(
    `${BASE}/password/reset`,
    route('Set a new password with a reset link\'s token: {"token", "password"}', null, { body: ResetBody }),
    async (request) => resetPassword(ctx, request.body.token, request.body.password),
  );

  app.get(`${BASE}/notification-preferences`, route("Which notifications you get by email, per kind", "read:accounts"), async (request) => {
    const actor = await requireLocalUserActor(ctx, signedIn(request).username);
    return { email: await emailPreferences(ctx, actor.id), digest: await digestPreferences(ctx, actor.id) };
  });

  app.put(
    `${BASE}/notification-preferences`,
    route(
      `Choose which notifications you get by email: {"email": {${EMAIL_KINDS.map((k) => `"${k}"?: bool`).join(", ")}}, "digest": {"frequency"?: off|daily|weekly, "timeZone"?, "hour"?}}`,
      "write:accounts",
      {
        body: PreferencesBody,
      },
    ),
    async (request) => {
      const actor = await requireLocalUserActor(ctx, signedIn(request).username);
      // The schema refuses unknown kinds, so the email half cannot fail once the digest half is stored.
      const digest = request.body.digest ? await updateDigestPreferences(ctx, actor.id, request.body.digest) : await digestPreferences(ctx, actor.id);
      const email = await updateEmailPreferences(ctx, actor.id, (request.body.email ?? {}) as Record<string, boolean>);
      return { email, digest };
    },
  );

  // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
  app.post(
    "/mail/unsubscribe",
    route("One-click unsubscribe from a kind of mail (RFC 8058); the token is the link's", null, { querystring: UnsubscribeQuery }),
    async (request) => {
      const done = await unsubscribeByToken(ctx, request.query.token);
      return { unsubscribed: done.kind };
    },
  );

  app.post(
    `${BASE}/admin/invitations`,
    route('Invite someone by email (admins): {"email", "role"?, "audience"?}; mails a one-time invitation link', "admin:write", { body: InvitationBody }),
    async (request, reply) => {
      const caller = signedIn(request);
      if (caller.role !== "admin") throw forbidden("Only administrators can invite");
      const invite = await inviteByEmail(ctx, caller.username, request.body);
      return reply.code(201).send({ email: invite.email, expiresAt: invite.expiresAt });
    },
  );

  app.get(
    `${BASE}/admin/mail`,
    route("Outgoing mail, newest first (admins): what was sent, kept or failed", "admin:read", { querystring: MailListQuery }),
    async (request) => {
      if (signedIn(request).role !== "admin") throw forbidden("Outgoing mail is for the instance's administrators");
      const rows = await outgoingMail(ctx, "token", { ...(request.query.before ? { before: request.query.before } : {}), limit: request.query.limit ?? 40 });
      return { items: rows.map(({ text_body, html_body, locked_until: _lock, ...rest }) => ({ ...rest, text: text_body, html: html_body })) };
    },
  );

  app.get(`${BASE}/admin/mail/:id`, route("One outgoing mail (admins)", "admin:read", { params: IdParams }), async (request) => {
    if (signedIn(request).role !== "admin") throw forbidden("Outgoing mail is for the instance's administrators");
    const { text_body, html_body, locked_until: _lock, ...rest } = await outgoingMailById(ctx, "token", request.params.id);
    return { ...rest, text: text_body, html: html_body };
  });
}
