// The Mastodon push API's subscriptions: one per access token, with the
// alerts the app wants and a policy (whose notifications it wants). The
// VAPID key pair is generated once and kept in the database, so every
// process and restart signs with the same key the apps were given.
import webPush from "web-push";
import { readOrCreateSetting } from "../../db/repos/instance-secret.repo.ts";
import {
  deletePushSubscription,
  findPushSubscription,
  replacePushSubscription,
  updatePushSubscriptionData,
  type PushSubscriptionRow,
} from "../../db/repos/push.repo.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { sealToken } from "./token-seal.ts";

/** The alerts a Mastodon app can ask for. */
export const PUSH_ALERTS = ["mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "admin.sign_up", "admin.report"] as const;
export const PUSH_POLICIES = ["all", "followed", "follower", "none"] as const;

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export function vapidKeys(ctx: ServiceContext): Promise<VapidKeys> {
  return readOrCreateSetting(ctx.db, "vapid_keys", () => webPush.generateVAPIDKeys());
}

export interface PushInput {
  endpoint?: unknown;
  p256dh?: unknown;
  auth?: unknown;
  alerts?: Record<string, unknown>;
  policy?: unknown;
}

export interface PushSubscriptionView {
  id: string;
  endpoint: string;
  standard: true;
  alerts: Record<string, boolean>;
  policy: string;
  server_key: string;
}

/** A key sent as base64 or base64url, as base64url bytes of the expected length (null when it is not). */
export function keyBytes(value: unknown, length: number): string | null {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) || value.length > 200) return null;
  const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === length ? bytes.toString("base64url") : null;
}

function alertsOf(input: Record<string, unknown> | undefined, current: Record<string, boolean> = {}): Record<string, boolean> {
  const alerts: Record<string, boolean> = {};
  for (const key of PUSH_ALERTS) {
    const value = input?.[key];
    alerts[key] = value === undefined ? (current[key] ?? false) : value === true || value === "true" || value === "1" || value === 1;
  }
  return alerts;
}

function policyOf(value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value !== "string" || !(PUSH_POLICIES as readonly string[]).includes(value)) {
    throw validationFailed(`data[policy] must be one of ${PUSH_POLICIES.join(", ")}`);
  }
  return value;
}

export function endpointOf(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) throw validationFailed("subscription[endpoint] must be the push service's URL");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw validationFailed("subscription[endpoint] is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw validationFailed("subscription[endpoint] must be an https URL");
  return url.href;
}

async function view(ctx: ServiceContext, row: PushSubscriptionRow): Promise<PushSubscriptionView> {
  return { id: row.id, endpoint: row.endpoint, standard: true, alerts: row.alerts, policy: row.policy, server_key: (await vapidKeys(ctx)).publicKey };
}

/** `accessToken`: the bearer token of the request, which the push messages name (Mastodon's `access_token`). */
export async function subscribePush(
  ctx: ServiceContext,
  caller: { tokenId: string; actorId: string; accessToken: string | null },
  input: PushInput,
): Promise<PushSubscriptionView> {
  const endpoint = endpointOf(input.endpoint);
  const p256dh = keyBytes(input.p256dh, 65);
  const auth = keyBytes(input.auth, 16);
  if (!p256dh || !p256dh.startsWith("B")) throw validationFailed("subscription[keys][p256dh] must be the uncompressed P-256 public key (65 bytes, base64url)");
  if (!auth) throw validationFailed("subscription[keys][auth] must be the 16-byte auth secret (base64url)");
  const row = await replacePushSubscription(ctx.db, {
    tokenId: caller.tokenId,
    actorId: caller.actorId,
    endpoint,
    p256dh,
    auth,
    alerts: alertsOf(input.alerts),
    policy: policyOf(input.policy, "all"),
    accessTokenSealed: caller.accessToken ? await sealToken(ctx, caller.accessToken) : null,
  });
  return view(ctx, row);
}

export async function currentPush(ctx: ServiceContext, tokenId: string): Promise<PushSubscriptionView> {
  const row = await findPushSubscription(ctx.db, tokenId);
  if (!row) throw notFound("Record not found");
  return view(ctx, row);
}

export async function updatePush(ctx: ServiceContext, tokenId: string, input: PushInput): Promise<PushSubscriptionView> {
  const current = await findPushSubscription(ctx.db, tokenId);
  if (!current) throw notFound("Record not found");
  const row = await updatePushSubscriptionData(ctx.db, tokenId, {
    alerts: alertsOf(input.alerts, current.alerts),
    policy: policyOf(input.policy, current.policy),
  });
  return view(ctx, row!);
}

export async function unsubscribePush(ctx: ServiceContext, tokenId: string): Promise<void> {
  await deletePushSubscription(ctx.db, tokenId);
}
