// A provider's inbound webhook for reply by email and bounces: the provider
// (or a relay script) POSTs the raw RFC 822 message as message/rfc822, signed
// with the shared secret over a timestamp, the ?to= recipients and the body
// (inbound-mail-signature.ts). The message then takes the same intake path as our SMTP listener's
// (mail-intake.service.ts), with the same checks. The envelope recipients are
// ?to= (repeatable) when the provider knows them, else the message's
// Delivered-To, X-Original-To, To and Cc.
import type { FastifyInstance } from "fastify";
import { simpleParser } from "mailparser";
import { notFound, unauthorized, validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { intakeMail } from "../../services/channels/mail-intake.service.ts";
import { checkInboundMailSignature } from "../../services/channels/inbound-mail-signature.ts";
import { route, Type } from "./schema.ts";

const MAX_BYTES = 1_048_576;

async function recipientsIn(raw: Buffer): Promise<string[]> {
  const parsed = await simpleParser(raw);
  const addresses: string[] = [];
  for (const name of ["delivered-to", "x-original-to"]) {
    const value = parsed.headers.get(name);
    if (typeof value === "string") addresses.push(value.trim());
  }
  for (const field of [parsed.to, parsed.cc]) {
    for (const list of Array.isArray(field) ? field : field ? [field] : []) for (const a of list.value) if (a.address) addresses.push(a.address);
  }
  return [...new Set(addresses)];
}

export function registerInboundMailRoute(app: FastifyInstance, ctx: ServiceContext): void {
  app.register(async (scoped) => {
    scoped.addContentTypeParser("message/rfc822", { parseAs: "buffer", bodyLimit: MAX_BYTES }, (_request, body, done) => done(null, body));
    scoped.post(
      "/api/ecotone/v1/inbound-mail",
      route(
        "A provider's inbound mail (raw RFC 822 as message/rfc822, X-Ecotone-Timestamp, X-Ecotone-Signature: sha256=<HMAC of timestamp.to.body>): a reply by email or a bounce",
        null,
        {
          querystring: Type.Object({
            to: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50 })])),
          }),
        },
      ),
      async (request) => {
        const secret = ctx.inboundMailSecret;
        if (!secret || !ctx.replyDomain) throw notFound("The inbound-mail webhook is off: set ECOTONE_INBOUND_MAIL_SECRET to turn it on");
        const body = request.body;
        if (!Buffer.isBuffer(body)) throw validationFailed("Send the raw message as Content-Type: message/rfc822");
        const given = (request.query as { to?: string | string[] }).to;
        const to = given === undefined ? [] : Array.isArray(given) ? given : [given];
        const check = checkInboundMailSignature(secret, {
          signature: request.headers["x-ecotone-signature"],
          timestamp: request.headers["x-ecotone-timestamp"],
          to,
          body,
        });
        if (!check.ok) throw unauthorized(check.reason);
        const rcptTo = to.length > 0 ? to : await recipientsIn(body);
        const result = await intakeMail(ctx, body, { rcptTo, mailFrom: null }, ctx.replyDomain);
        return result.kind === "reply" ? { kind: "reply", postId: result.postId } : { kind: "bounce", bounced: result.bounced.length > 0 };
      },
    );
  });
}
