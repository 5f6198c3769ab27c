// /api/ecotone/v1/webhooks: outbound webhook subscriptions (admins, and
// group owners for their groups), their delivery log and replays. The event
// list and the URL are checked by the domain rules (domain/webhook.rules.ts).
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
} from "../../services/apps/webhook.service.ts";
import { signedIn } from "./guard.ts";
import { IdParams, OptionalText, RequiredText, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1/webhooks";

const SubscribeBody = Type.Object({
  url: RequiredText({ maxLength: 2000 }),
  events: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  group: OptionalText({ maxLength: 2048 }),
  description: OptionalText({ maxLength: 500 }),
});

export function registerWebhookRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.post(
    BASE,
    route(
      'Subscribe a URL to events: {"url", "events"?: [post.created, question.asked, …], "group"?, "description"?}; answers the signing secret once (admins; group owners for their groups)',
      "write:webhooks",
      { body: SubscribeBody },
    ),
    async (request, reply) => {
      const b = request.body;
      const created = await createWebhook(ctx, signedIn(request).username, {
        url: b.url,
        events: b.events,
        group: b.group ?? undefined,
        description: b.description ?? undefined,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(BASE, route("Your webhook subscriptions (every one, for admins)", "read:webhooks"), async (request) => ({
    items: await listMyWebhooks(ctx, signedIn(request).username),
  }));

  app.delete(`${BASE}/:id`, route("Delete a webhook subscription", "write:webhooks", { params: IdParams }), async (request, reply) => {
    await removeWebhook(ctx, signedIn(request).username, request.params.id);
    return reply.code(204).send();
  });

  app.post(
    `${BASE}/:id/rotate-secret`,
    route("A new signing secret; the previous one keeps signing beside it for a day", "write:webhooks", { params: IdParams }),
    async (request) => rotateSecret(ctx, signedIn(request).username, request.params.id),
  );

  app.post(`${BASE}/:id/enable`, route("Switch a (disabled) subscription back on", "write:webhooks", { params: IdParams }), async (request) =>
    setEnabled(ctx, signedIn(request).username, request.params.id, true),
  );

  app.post(`${BASE}/:id/disable`, route("Pause a subscription", "write:webhooks", { params: IdParams }), async (request) =>
    setEnabled(ctx, signedIn(request).username, request.params.id, false),
  );

  app.get(
    `${BASE}/:id/deliveries`,
    route("The delivery log, newest first (?before=<delivery id> to page)", "read:webhooks", {
      params: IdParams,
      querystring: Type.Object({ before: Type.Optional(Type.String()) }),
    }),
    async (request) => ({ items: await webhookDeliveries(ctx, signedIn(request).username, request.params.id, request.query.before ?? null) }),
  );

  app.post(
    `${BASE}/:id/deliveries/:delivery/replay`,
    route("Send a delivery again (same webhook-id, fresh signature)", "write:webhooks", {
      params: Type.Object({ id: Type.String(), delivery: Type.String() }),
    }),
    async (request) => replayDelivery(ctx, signedIn(request).username, request.params.id, request.params.delivery),
  );
}
