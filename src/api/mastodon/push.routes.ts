// The Mastodon push API (/api/v1/push/subscription): an app registers its
// Web Push endpoint and keys per access token and chooses its alerts.
// Apps send JSON (`{"subscription": {...}, "data": {...}}`) or Rails form
// keys (`subscription[keys][p256dh]=…`); both are read.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { currentPush, subscribePush, unsubscribePush, updatePush, type PushInput } from "../../services/channels/push.service.ts";
import { requireUser } from "./guard.ts";
import { bodyOf } from "./params.ts";

const PATH = "/api/v1/push/subscription";

/** `path` read from nested JSON or from a flat Rails form key. */
function param(body: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = body;
  for (const key of path) value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  if (value !== undefined) return value;
  return body[
    path[0] +
      path
        .slice(1)
        .map((k) => `[${k}]`)
        .join("")
  ];
}

function inputOf(request: FastifyRequest): PushInput {
  const body = bodyOf(request);
  const nested = param(body, ["data", "alerts"]);
  const alerts: Record<string, unknown> = nested && typeof nested === "object" ? { ...(nested as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(body)) {
    const m = /^data\[alerts\]\[([a-z_.]+)\]$/.exec(key);
    if (m) alerts[m[1]!] = value;
  }
  return {
    endpoint: param(body, ["subscription", "endpoint"]),
    p256dh: param(body, ["subscription", "keys", "p256dh"]),
    auth: param(body, ["subscription", "keys", "auth"]),
    alerts,
    policy: param(body, ["data", "policy"]) ?? param(body, ["policy"]),
  };
}

export function registerPushRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post(PATH, async (request) => {
    const caller = await requireUser(ctx, request, "push");
    // The app's own token (auth.ts took it from this header), for the push messages' access_token.
    const accessToken = request.headers.authorization?.slice("bearer ".length).trim() ?? null;
    return subscribePush(ctx, { ...caller, accessToken }, inputOf(request));
  });
  fastify.get(PATH, async (request) => currentPush(ctx, (await requireUser(ctx, request, "push")).tokenId));
  fastify.put(PATH, async (request) => updatePush(ctx, (await requireUser(ctx, request, "push")).tokenId, inputOf(request)));
  fastify.delete(PATH, async (request) => {
    await unsubscribePush(ctx, (await requireUser(ctx, request, "push")).tokenId);
    return {};
  });
}
