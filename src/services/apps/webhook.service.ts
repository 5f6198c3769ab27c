// Webhook subscriptions, for admins (any group, or the whole instance) and
// group owners (their own groups, here at the group's home): subscribe a URL
// to events, list, delete, rotate the signing secret, read the delivery log,
// replay a delivery.
import {
  deleteWebhook,
  enqueueDeliveryJob,
  findDelivery,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  resetDeliveryForReplay,
  rotateWebhookSecret,
  setWebhookEnabled,
  WEBHOOK_CHANNEL,
  webhooksWithEntitledOwners,
  type WebhookDeliveryRow,
  type WebhookRow,
} from "../../db/repos/webhook.repo.ts";
import { forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import { parseWebhookEvents, parseWebhookUrl, ROTATION_GRACE_MS } from "../../domain/webhook.rules.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { findGroup, membershipOf } from "../groups/group.service.ts";
import { newWebhookSecret } from "./webhook-signature.ts";

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  group: { id: string; handle: string } | null;
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
}

function toView(row: WebhookRow, groupHandle: string | null): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    group: row.group_id ? { id: row.group_id, handle: groupHandle ?? row.group_id } : null,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

async function viewOf(ctx: ServiceContext, row: WebhookRow): Promise<WebhookView> {
  if (!row.group_id) return toView(row, null);
  const group = await findGroup(ctx, row.group_id, row.owner_id).catch(() => null);
  return toView(row, group ? `@${group.actor.username}@${group.actor.domain}` : null);
}

async function caller(ctx: ServiceContext, username: string) {
  const user = await requireLocalUserActor(ctx, username);
  return { user, isAdmin: user.role === "admin" };
}

/**
 * The subscription, if the caller may manage it (its owner, or an admin); 404
 * otherwise. An owner who has since lost the right to the group's events (no
 * longer its owner, banned, no longer an admin) may only delete it: its
 * deliveries carry the group's content.
 */
async function requireOwnWebhook(ctx: ServiceContext, username: string, id: string, purpose: "manage" | "remove" = "manage"): Promise<WebhookRow> {
  const { user, isAdmin } = await caller(ctx, username);
  const row = await findWebhook(ctx.db, id);
  if (!row || (!isAdmin && row.owner_id !== user.id)) throw notFound(`No webhook ${id}`);
  if (purpose === "manage" && !isAdmin && !(await webhooksWithEntitledOwners(ctx.db, [row.id])).has(row.id)) {
    throw forbidden("You are no longer an owner of this webhook's group, so it is switched off: delete it, or ask an admin");
  }
  return row;
}

export async function createWebhook(
  ctx: ServiceContext,
  username: string,
  input: { url: unknown; events: unknown; group: unknown; description: unknown },
): Promise<WebhookView & { secret: string }> {
  const { user, isAdmin } = await caller(ctx, username);
  const url = parseWebhookUrl(input.url);
  const events = parseWebhookEvents(input.events);
  if (input.description !== undefined && typeof input.description !== "string")
    throw validationFailed('"description" must be a string', { field: "description" });
  let groupId: string | null = null;
  if (input.group !== undefined && input.group !== null) {
    if (typeof input.group !== "string") throw validationFailed('"group" must be a group id, name or @name@host', { field: "group" });
    const group = await findGroup(ctx, input.group, user.id);
    if (!group.actor.is_local) throw validationFailed("Subscribe to a group's events on its home instance", { field: "group" });
    const membership = await membershipOf(ctx, group.actor.id, user.id);
    if (!isAdmin && membership?.role !== "owner") throw forbidden("Only the group's owners (or an admin) can subscribe to its events");
    groupId = group.actor.id;
  } else if (!isAdmin) {
    throw forbidden('Only admins subscribe to the whole instance; group owners send "group"');
  }
  const secret = newWebhookSecret();
  const row = await insertWebhook(ctx.db, {
    id: newId(),
    owner_id: user.id,
    group_id: groupId,
    url,
    events: JSON.stringify(events),
    description: typeof input.description === "string" ? input.description.slice(0, 500) : null,
    secret,
  });
  ctx.logger.info({ webhook: row.id, url, events, groupId }, "webhook subscribed");
  // The secret is shown once, here; afterwards only a rotation reveals a new one.
  return { ...(await viewOf(ctx, row)), secret };
}

export async function listMyWebhooks(ctx: ServiceContext, username: string): Promise<WebhookView[]> {
  const { user, isAdmin } = await caller(ctx, username);
  const rows = await listWebhooks(ctx.db, isAdmin ? null : user.id);
  return Promise.all(rows.map((r) => viewOf(ctx, r)));
}

export async function removeWebhook(ctx: ServiceContext, username: string, id: string): Promise<void> {
  await requireOwnWebhook(ctx, username, id, "remove");
  await deleteWebhook(ctx.db, id);
}

/** A new secret; the old one keeps signing beside it for a day, so receivers can switch without losing deliveries. */
export async function rotateSecret(ctx: ServiceContext, username: string, id: string): Promise<{ secret: string; previousValidUntil: string }> {
  await requireOwnWebhook(ctx, username, id);
  const secret = newWebhookSecret();
  const until = new Date(Date.now() + ROTATION_GRACE_MS);
  await rotateWebhookSecret(ctx.db, id, secret, until);
  return { secret, previousValidUntil: until.toISOString() };
}

/** Switch a (disabled) subscription back on, or off. */
export async function setEnabled(ctx: ServiceContext, username: string, id: string, enabled: boolean): Promise<WebhookView> {
  await requireOwnWebhook(ctx, username, id);
  await setWebhookEnabled(ctx.db, id, enabled, enabled ? null : "disabled by its owner");
  return viewOf(ctx, (await findWebhook(ctx.db, id))!);
}

function deliveryView(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    event: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    payload: JSON.parse(row.payload) as unknown,
  };
}

export async function webhookDeliveries(ctx: ServiceContext, username: string, id: string, before: string | null) {
  await requireOwnWebhook(ctx, username, id);
  return (await listDeliveries(ctx.db, id, 50, before)).map(deliveryView);
}

/** Sends a delivery again (same webhook-id, fresh timestamp and signature). */
export async function replayDelivery(ctx: ServiceContext, username: string, webhookId: string, deliveryId: string) {
  const webhook = await requireOwnWebhook(ctx, username, webhookId);
  const delivery = await findDelivery(ctx.db, deliveryId);
  if (!delivery || delivery.webhook_id !== webhookId) throw notFound(`No delivery ${deliveryId} of webhook ${webhookId}`);
  if (!webhook.enabled) throw validationFailed("This webhook is disabled: enable it first (POST /webhooks/:id/enable)");
  await ctx.db.transaction().execute(async (trx) => {
    await resetDeliveryForReplay(trx, deliveryId);
    await enqueueDeliveryJob(trx, deliveryId, 0);
  });
  await ctx.database.notify(WEBHOOK_CHANNEL);
  return deliveryView((await findDelivery(ctx.db, deliveryId))!);
}
