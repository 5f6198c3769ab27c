// Webhook fan-out and delivery, off the write path:
//  1. fan-out: each outbox event (webhooks_at null) becomes webhook events;
//     every matching subscription gets a delivery row and a job on the
//     durable queue, in one transaction with marking the event seen;
//  2. delivery: a queue worker signs (Standard Webhooks) and POSTs; a failure
//     is retried with doubling delays (a new job, same webhook-id); a
//     subscription failing for a day is disabled and its owner notified.
// A write never waits for any of this; a crash loses nothing (the event, the
// delivery and its job are rows; a job's lease runs out and it runs again).
import {
  claimEventsForWebhooks,
  clearWebhookFailing,
  enqueueDeliveryJob,
  failPendingDeliveries,
  findDelivery,
  findWebhook,
  hasWebhooks,
  insertDelivery,
  markEventsWebhooked,
  markWebhookFailing,
  matchingWebhooks,
  recordDeliveryAttempt,
  setWebhookEnabled,
  skipEventsForWebhooks,
  WEBHOOK_CHANNEL,
  webhooksWithEntitledOwners,
  type WebhookRow,
} from "../../db/repos/webhook.repo.ts";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import { newId } from "../../domain/ids.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import { retryDelayMs, shouldDisable } from "../../domain/webhook.rules.ts";
import type { ServiceContext } from "../context.ts";
import { ECOTONE_VERSION } from "../../domain/version.ts";
import { webhookEventsFor } from "./webhook-events.service.ts";
import { signatureHeaders } from "./webhook-signature.ts";
import { notifyOwner } from "../notification.service.ts";

/** Implemented by the federation layer (the outbound address rules live there). Throws when the request could not be made. */
export interface WebhookTransport {
  post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number }>;
}

/** After this many attempts a delivery stops retrying (about a day and a half with the default delays); replay sends it again. */
export const MAX_ATTEMPTS = 15;

const SKIP_BATCH = 500;

/** Fans out one outbox event; false when none is left waiting. */
export async function fanOutNext(ctx: ServiceContext): Promise<boolean> {
  // Most instances subscribe nothing: then events are only marked seen, in
  // bulk. A short batch took every waiting one, so no second look follows
  // (at 50 likes a second that look was a statement pair per event).
  if (!(await hasWebhooks(ctx.db))) return (await skipEventsForWebhooks(ctx.db, SKIP_BATCH)) === SKIP_BATCH;
  let claimedId: number | null = null;
  let jobs = 0;
  try {
    const found = await ctx.db.transaction().execute(async (trx) => {
      const [row] = await claimEventsForWebhooks(trx, 1);
      if (!row) return false;
      claimedId = row.id;
      for (const event of await webhookEventsFor(trx, row.payload as OutboxEvent)) {
        for (const webhook of await entitledWebhooks(trx, await matchingWebhooks(trx, event.type, event.groupId))) {
          const id = `msg_${newId()}`;
          const payload = JSON.stringify({ type: event.type, timestamp: new Date(row.created_at).toISOString(), data: event.data });
          await insertDelivery(trx, { id, webhook_id: webhook.id, event_type: event.type, payload });
          await enqueueDeliveryJob(trx, id, 0);
          jobs += 1;
        }
      }
      await markEventsWebhooked(trx, [row.id]);
      return true;
    });
    if (jobs > 0) await ctx.database.notify(WEBHOOK_CHANNEL);
    return found;
  } catch (error) {
    // One event that cannot be read must not hold up the ones after it.
    ctx.logger.error({ err: error, outboxEvent: claimedId }, "webhook fan-out failed for an event; skipping it");
    if (claimedId === null) throw error;
    await ctx.db.transaction().execute((trx) => markEventsWebhooked(trx, [claimedId!]));
    return true;
  }
}

export const OWNER_NOT_ENTITLED = "its owner is no longer an admin, nor an owner of its group";

/** The subscriptions whose owners may still hold them; the others are switched off, with the reason, and skipped. */
async function entitledWebhooks(db: Kysely<Database> | Transaction<Database>, webhooks: WebhookRow[]): Promise<WebhookRow[]> {
  const entitled = await webhooksWithEntitledOwners(
    db,
    webhooks.map((w) => w.id),
  );
  for (const webhook of webhooks.filter((w) => !entitled.has(w.id))) await setWebhookEnabled(db, webhook.id, false, OWNER_NOT_ENTITLED);
  return webhooks.filter((w) => entitled.has(w.id));
}

export async function deliverWebhook(ctx: ServiceContext, transport: WebhookTransport, deliveryId: string, retryInitialMs: number): Promise<void> {
  const delivery = await findDelivery(ctx.db, deliveryId);
  if (!delivery || delivery.status !== "pending") return;
  const webhook = await findWebhook(ctx.db, delivery.webhook_id);
  if (!webhook) return;
  if (webhook.enabled && (await entitledWebhooks(ctx.db, [webhook])).length === 0) webhook.enabled = false;
  if (!webhook.enabled) {
    await recordDeliveryAttempt(ctx.db, delivery.id, { status: "failed", statusCode: null, error: "the webhook is disabled", nextAttemptAt: null });
    return;
  }
  const now = new Date();
  const secrets = [webhook.secret];
  if (webhook.previous_secret && webhook.previous_secret_until && webhook.previous_secret_until > now) secrets.push(webhook.previous_secret);
  const headers = {
    "content-type": "application/json",
    "user-agent": `Ecotone-Webhooks/${ECOTONE_VERSION} (+${ctx.origin.origin})`,
    ...signatureHeaders(secrets, delivery.id, Math.floor(now.getTime() / 1000), delivery.payload),
  };
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    statusCode = (await transport.post(webhook.url, headers, delivery.payload)).status;
    if (statusCode < 200 || statusCode >= 300) error = `the receiver answered ${statusCode}`;
  } catch (e) {
    error = (e as Error).message || String(e);
  }

  if (!error) {
    await ctx.db.transaction().execute(async (trx) => {
      await recordDeliveryAttempt(trx, delivery.id, { status: "delivered", statusCode, error: null, nextAttemptAt: null });
      await clearWebhookFailing(trx, webhook.id);
    });
    return;
  }

  const attempt = delivery.attempts + 1;
  const disabled = await ctx.db.transaction().execute(async (trx) => {
    const failingSince = await markWebhookFailing(trx, webhook.id);
    if (shouldDisable(failingSince, now)) {
      const reason = `deliveries failed for a day (last: ${error})`;
      await recordDeliveryAttempt(trx, delivery.id, { status: "failed", statusCode, error, nextAttemptAt: null });
      await setWebhookEnabled(trx, webhook.id, false, reason.slice(0, 500));
      await failPendingDeliveries(trx, webhook.id, "the webhook was disabled");
      await notifyOwner(trx, { recipientId: webhook.owner_id, type: "webhook_disabled" });
      return true;
    }
    if (attempt >= MAX_ATTEMPTS) {
      await recordDeliveryAttempt(trx, delivery.id, { status: "failed", statusCode, error, nextAttemptAt: null });
      return false;
    }
    const delay = retryDelayMs(attempt, retryInitialMs);
    await recordDeliveryAttempt(trx, delivery.id, { status: "pending", statusCode, error, nextAttemptAt: new Date(now.getTime() + delay) });
    await enqueueDeliveryJob(trx, delivery.id, delay);
    return false;
  });
  const log = { webhook: webhook.id, delivery: delivery.id, url: webhook.url, attempt, error };
  if (disabled)
    ctx.logger.warn(log, "webhook disabled after failing for a day; its owner was notified; fix the receiver, then POST /api/ecotone/v1/webhooks/:id/enable");
  else ctx.logger.info(log, "webhook delivery failed; will retry");
}
