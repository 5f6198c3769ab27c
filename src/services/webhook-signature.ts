// Standard Webhooks signatures (https://www.standardwebhooks.com/): the
// signed content is "<webhook-id>.<webhook-timestamp>.<body>", signed with
// HMAC-SHA256 under the secret's bytes (the base64 after "whsec_"); the
// header lists "v1,<base64 signature>" entries separated by spaces, one per
// secret in use (two while a rotated-out secret is still honoured).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers of one delivery attempt. */
export function signatureHeaders(secrets: string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((s) => sign(s, id, timestamp, body)).join(" "),
  };
}

/** What a receiver does (used by the docs' example and the tests' receiver): true when one signature matches and the timestamp is fresh. */
export function verify(secret: string, headers: Record<string, string | undefined>, body: string, toleranceSeconds = 300): boolean {
  const id = headers["webhook-id"];
  const timestamp = Number(headers["webhook-timestamp"]);
  const signatures = headers["webhook-signature"];
  if (!id || !Number.isFinite(timestamp) || !signatures) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, id, timestamp, body));
  return signatures.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
