// Outbound webhooks: the events one can subscribe to, how often a failed
// delivery is retried, and when a subscription that keeps failing is
// switched off. Signing lives in services/webhook-signature.ts.
import { validationFailed } from "./errors.ts";

export const WEBHOOK_EVENTS = [
  "post.created",
  "question.asked",
  "question.answered",
  "question.accepted",
  "task.created",
  "task.assigned",
  "task.status_changed",
  "idea.status_changed",
  "thread.escalated",
  "member.joined",
  "member.left",
  "report.filed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A subscription failing without a single success for this long is disabled. */
export const DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;
/** Retries double from the first delay up to this. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;
/** After a key rotation, the previous secret still signs (beside the new one) this long. */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export function parseWebhookEvents(raw: unknown): WebhookEventType[] {
  if (raw === undefined) return [...WEBHOOK_EVENTS];
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((e) => typeof e !== "string")) {
    throw validationFailed(`"events" is a non-empty list of: ${WEBHOOK_EVENTS.join(", ")}`, { field: "events" });
  }
  const unknown = raw.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) throw validationFailed(`Unknown event ${unknown.join(", ")}; use ${WEBHOOK_EVENTS.join(", ")}`, { field: "events" });
  return [...new Set(raw as WebhookEventType[])];
}

/** http(s) only, no credentials in the URL. Where it may point (no private addresses) is checked at delivery. */
export function parseWebhookUrl(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 2000) throw validationFailed('"url" is the http(s) URL to deliver to', { field: "url" });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw validationFailed(`"url" is not a URL: ${raw}`, { field: "url" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw validationFailed('"url" must be http or https', { field: "url" });
  if (url.username || url.password) throw validationFailed('"url" must not carry credentials; verify the signature instead', { field: "url" });
  return url.href;
}

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelayMs(attempt: number, initialMs: number): number {
  return Math.min(initialMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
}

export function shouldDisable(failingSince: Date | null, now: Date): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS;
}
