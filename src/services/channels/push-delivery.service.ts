// Sends each new notification to the person's push subscriptions, as
// Mastodon does: a small JSON payload encrypted for the subscription's keys
// (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292). The request
// goes through the process's guarded fetch (deadline, private-address rule).
// Push is best effort: a notification is offered once; an endpoint that is
// gone (404/410) or keeps failing is dropped.
import webPush from "web-push";
import { takePushBatch, type ChannelNotification } from "../../db/repos/notification-channel.repo.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import {
  clearPushFailures,
  countPushFailure,
  deletePushSubscriptionById,
  follows,
  pushSubscriptionsOf,
  type PushSubscriptionRow,
} from "../../db/repos/push.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { ServiceContext } from "../context.ts";
import { textOfSanitized } from "../html.ts";
import { vapidKeys } from "./push.service.ts";
import { openToken } from "./token-seal.ts";
import { canSeePost, viewerOf } from "../visibility.service.ts";

const MAX_FAILURES = 10;
const TTL_SECONDS = 48 * 3600;

/** Our notification types as the Mastodon alert that governs them. */
const ALERT_OF: Record<string, string> = { join_request: "follow_request" };

export interface PushPayload {
  /** The token the subscription was made with: apps fetch the notification with it (as Mastodon sends it). */
  access_token?: string;
  notification_id: string;
  notification_type: string;
  preferred_locale: string;
  icon: string;
  title: string;
  body: string;
}

const TITLES: Record<string, string> = {
  mention: "mentioned you",
  status: "just posted",
  reblog: "boosted your post",
  follow: "followed you",
  follow_request: "asked to follow you",
  favourite: "favourited your post",
  update: "edited a post",
  join_request: "asked to join your group",
};

async function payloadOf(ctx: ServiceContext, n: ChannelNotification): Promise<PushPayload | null> {
  const from = await findActorById(ctx.db, n.from_id);
  const post = n.post_id ? await findPostById(ctx.db, n.post_id) : undefined;
  // Never push the text of a post the person may not see.
  if (post && !(await canSeePost(ctx, viewerOf(n.recipient_id), post))) return null;
  const who = from?.name?.trim() || (from ? from.username : "Someone");
  const text = post ? textOfSanitized(post.content_html).trim() : "";
  return {
    notification_id: n.id,
    notification_type: ALERT_OF[n.type] ?? n.type,
    preferred_locale: "en",
    icon: from?.icon_url ?? new URL("/avatars/original/missing.png", ctx.origin).href,
    title: `${who} ${TITLES[n.type] ?? "sent you a notification"}`,
    body: text.length > 140 ? `${text.slice(0, 139)}…` : text,
  };
}

async function wants(ctx: ServiceContext, sub: PushSubscriptionRow, n: ChannelNotification, alert: string): Promise<boolean> {
  if (!sub.alerts[alert]) return false;
  switch (sub.policy) {
    case "none":
      return false;
    case "followed":
      return follows(ctx.db, n.recipient_id, n.from_id);
    case "follower":
      return follows(ctx.db, n.from_id, n.recipient_id);
    default:
      return true;
  }
}

async function send(ctx: ServiceContext, sub: PushSubscriptionRow, payload: PushPayload, options: { allowInsecureEndpoints: boolean }): Promise<void> {
  if (!options.allowInsecureEndpoints && !sub.endpoint.startsWith("https://")) {
    await deletePushSubscriptionById(ctx.db, sub.id);
    return;
  }
  const keys = await vapidKeys(ctx);
  // The push service's contact for us: our https origin, or (a plain-http test or demo) a mailto.
  const subject = ctx.origin.protocol === "https:" ? ctx.origin.origin : `mailto:postmaster@${ctx.origin.hostname}`;
  try {
    const details = webPush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
      vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
      TTL: TTL_SECONDS,
      contentEncoding: "aes128gcm",
    });
    const response = await fetch(details.endpoint, {
      method: "POST",
      headers: details.headers as Record<string, string>,
      body: details.body ? new Uint8Array(details.body) : null,
    });
    await response.body?.cancel();
    if (response.status === 404 || response.status === 410) {
      await deletePushSubscriptionById(ctx.db, sub.id);
      return;
    }
    if (!response.ok) throw new Error(`push service answered ${response.status}`);
    await clearPushFailures(ctx.db, sub.id);
  } catch (error) {
    const failures = await countPushFailure(ctx.db, sub.id);
    ctx.logger.warn({ subscription: sub.id, failures, err: error instanceof Error ? error.message : String(error) }, "push delivery failed");
    if (failures >= MAX_FAILURES) await deletePushSubscriptionById(ctx.db, sub.id);
  }
}

/** Offers the next new notifications to push; false when there were none. */
export async function pushNextNotifications(ctx: ServiceContext, options: { allowInsecureEndpoints: boolean }): Promise<boolean> {
  const batch = await takePushBatch(ctx.db, 50);
  if (batch.length === 0) return false;
  for (const n of batch) {
    const subscriptions = await pushSubscriptionsOf(ctx.db, n.recipient_id);
    if (subscriptions.length === 0) continue;
    const alert = ALERT_OF[n.type] ?? n.type;
    const chosen: PushSubscriptionRow[] = [];
    for (const sub of subscriptions) if (await wants(ctx, sub, n, alert)) chosen.push(sub);
    if (chosen.length === 0) continue;
    const payload = await payloadOf(ctx, n);
    if (!payload) continue;
    await Promise.all(
      chosen.map(async (sub) => {
        const accessToken = await openToken(ctx, sub.access_token_sealed);
        await send(ctx, sub, accessToken ? { access_token: accessToken, ...payload } : payload, options);
      }),
    );
  }
  return true;
}
