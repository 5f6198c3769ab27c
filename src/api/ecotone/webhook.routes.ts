// /api/ecotone/v1/webhooks: outbound webhook subscriptions (admins, and
// group owners for their groups), their delivery log and replays.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import {
  createWebhook,
  listMyWebhooks,
  removeWebhook,
  replayDelivery,
  rotateSecret,
  setEnabled,
  webhookDeliveries,
} from "../../services/webhook.service.ts";
import { requireCaller } from "./guard.ts";
import { body } from "./viewer.ts";

const BASE = "/api/ecotone/v1/webhooks";
type IdParams = { Params: { id: string } };

export function registerWebhookRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post(BASE, async (request, reply) => {
    const caller = requireCaller(request, "write:webhooks");
    const b = body<Record<string, unknown>>(request);
    const created = await createWebhook(ctx, caller.username, { url: b.url, events: b.events, group: b.group, description: b.description });
    return reply.code(201).send(created);
  });

  fastify.get(BASE, async (request) => ({ items: await listMyWebhooks(ctx, requireCaller(request, "read:webhooks").username) }));

  fastify.delete<IdParams>(`${BASE}/:id`, async (request, reply) => {
    await removeWebhook(ctx, requireCaller(request, "write:webhooks").username, request.params.id);
    return reply.code(204).send();
  });

  fastify.post<IdParams>(`${BASE}/:id/rotate-secret`, async (request) =>
    rotateSecret(ctx, requireCaller(request, "write:webhooks").username, request.params.id),
  );

  fastify.post<IdParams>(`${BASE}/:id/enable`, async (request) =>
    setEnabled(ctx, requireCaller(request, "write:webhooks").username, request.params.id, true),
  );

  fastify.post<IdParams>(`${BASE}/:id/disable`, async (request) =>
    setEnabled(ctx, requireCaller(request, "write:webhooks").username, request.params.id, false),
  );

  fastify.get<IdParams & { Querystring: { before?: string } }>(`${BASE}/:id/deliveries`, async (request) => ({
    items: await webhookDeliveries(ctx, requireCaller(request, "read:webhooks").username, request.params.id, request.query.before ?? null),
  }));

  fastify.post<{ Params: { id: string; delivery: string } }>(`${BASE}/:id/deliveries/:delivery/replay`, async (request) =>
    replayDelivery(ctx, requireCaller(request, "write:webhooks").username, request.params.id, request.params.delivery),
  );
}
