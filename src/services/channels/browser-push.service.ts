// Browser push for our own web interface: the preferences page asks the
// browser for a push subscription (opt-in: only after the person clicks, and
// the browser asks their permission) and stores it for this browser session.
// It is sent by the same worker as Mastodon push, with the same VAPID keys and
// RFC 8291 encryption; signing out (the session's end) removes it. A browser
// gets every kind of notification; mail has the per-kind switches.
import { deleteBrowserPushSubscription, findBrowserPushSubscription, replaceBrowserPushSubscription } from "../../db/repos/push.repo.ts";
import { validationFailed } from "../../domain/errors.ts";
import { sessionIdHash } from "../accounts/browser-session.service.ts";
import type { ServiceContext } from "../context.ts";
import { endpointOf, keyBytes, PUSH_ALERTS, vapidKeys } from "./push.service.ts";

/** Every alert, and our own notification types, which no Mastodon alert names. */
const BROWSER_ALERTS = Object.fromEntries([...PUSH_ALERTS, "poll", "task_due", "accepted_answer"].map((a) => [a, true]));

export interface BrowserPushInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export async function subscribeBrowser(ctx: ServiceContext, session: { cookieValue: string; actorId: string }, input: BrowserPushInput): Promise<void> {
  if (!input.endpoint) throw validationFailed("Your browser gave no push subscription: allow notifications for this site and try again");
  const endpoint = endpointOf(input.endpoint);
  const p256dh = keyBytes(input.p256dh, 65);
  const auth = keyBytes(input.auth, 16);
  if (!p256dh || !p256dh.startsWith("B") || !auth) throw validationFailed("The browser's push keys are not valid P-256 / 16-byte keys; try again");
  await replaceBrowserPushSubscription(ctx.db, {
    sessionHash: sessionIdHash(session.cookieValue),
    actorId: session.actorId,
    endpoint,
    p256dh,
    auth,
    alerts: BROWSER_ALERTS,
  });
}

export async function unsubscribeBrowser(ctx: ServiceContext, cookieValue: string): Promise<void> {
  await deleteBrowserPushSubscription(ctx.db, sessionIdHash(cookieValue));
}

/** What the preferences page shows: whether this browser is subscribed, and the key to subscribe with. */
export async function browserPushState(ctx: ServiceContext, cookieValue: string): Promise<{ subscribed: boolean; vapidPublicKey: string }> {
  const row = await findBrowserPushSubscription(ctx.db, sessionIdHash(cookieValue));
  return { subscribed: row !== undefined, vapidPublicKey: (await vapidKeys(ctx)).publicKey };
}
