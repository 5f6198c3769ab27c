// The inbound-mail webhook's signature (docs/channels.md). It covers a
// timestamp, the envelope recipients given as ?to= and the raw message, so a
// captured request can neither be sent again after a few minutes nor be
// pointed at other recipients; within the window, the Message-ID idempotence
// of mail-intake posts a replayed mail once.
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far the sender's clock may be from ours, either way. */
export const INBOUND_MAIL_TOLERANCE_S = 300;

export type InboundSignatureCheck = { ok: true } | { ok: false; reason: string };

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<to, comma-separated>.<raw message>">`. */
export function inboundMailSignature(secret: string, timestamp: string, to: readonly string[], body: Buffer): string {
  const hmac = createHmac("sha256", secret);
  hmac.update(`${timestamp}.${to.join(",")}.`);
  hmac.update(body);
  return `sha256=${hmac.digest("hex")}`;
}

export function checkInboundMailSignature(
  secret: string,
  request: { signature: unknown; timestamp: unknown; to: readonly string[]; body: Buffer },
  nowMs = Date.now(),
): InboundSignatureCheck {
  const { signature, timestamp } = request;
  if (typeof timestamp !== "string" || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'X-Ecotone-Timestamp is missing: send the Unix time in seconds and sign "<timestamp>.<to,…>.<body>"' };
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > INBOUND_MAIL_TOLERANCE_S) {
    return { ok: false, reason: `X-Ecotone-Timestamp is more than ${INBOUND_MAIL_TOLERANCE_S} s from our clock: sign the request when you send it` };
  }
  if (typeof signature !== "string" || !signature.startsWith("sha256=")) {
    return { ok: false, reason: 'X-Ecotone-Signature is missing: sha256=<hex HMAC-SHA256 of "<timestamp>.<to,…>.<body>"> under the shared secret' };
  }
  const expected = Buffer.from(inboundMailSignature(secret, timestamp, request.to, request.body));
  const given = Buffer.from(signature.trim().toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'X-Ecotone-Signature is wrong: sign "<timestamp>.<to,…>.<body>" with HMAC-SHA256 under the shared secret' };
  }
  return { ok: true };
}
