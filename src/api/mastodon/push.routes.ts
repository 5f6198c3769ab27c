// The Mastodon push API (/api/v1/push/subscription): an app registers its
// Web Push endpoint and keys per access token and chooses its alerts.
// Apps send JSON (`{"subscription": {...}, "data": {...}}`) or Rails form
// keys (`subscription[keys][p256dh]=…`); both are read, by the route schema.
import { Type, type Static } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { currentPush, subscribePush, unsubscribePush, updatePush, type PushInput } from "../../services/channels/push.service.ts";
import { requireUser } from "./guard.ts";
import { Text, typed } from "./mastodon.schema.ts";

const PATH = "/api/v1/push/subscription";

/** Apps send JSON (`{"subscription": {...}, "data": {...}}`) or Rails form keys, read into this shape (ADR 0008). */
const PushBody = Type.Object({
  subscription: Type.Optional(Type.Object({ endpoint: Text(2048), keys: Type.Optional(Type.Object({ p256dh: Text(256), auth: Text(256) })) })),
  data: Type.Optional(Type.Object({ alerts: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Boolean())), policy: Text(16) })),
  policy: Text(16),
});

function inputOf(body: Static<typeof PushBody>): PushInput {
  return {
    endpoint: body.subscription?.endpoint,
    p256dh: body.subscription?.keys?.p256dh,
    auth: body.subscription?.keys?.auth,
    alerts: { ...body.data?.alerts },
    policy: body.data?.policy ?? body.policy,
  };
}

export function registerPushRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).post(PATH, { schema: { body: PushBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "push");
    // The app's own token (auth.ts took it from this header), for the push messages' access_token.
    const accessToken = request.headers.authorization?.slice("bearer ".length).trim() ?? null;
    return subscribePush(ctx, { ...caller, accessToken }, inputOf(request.body));
  });
  fastify.get(PATH, async (request) => currentPush(ctx, (await requireUser(ctx, request, "push")).tokenId));
  typed(fastify).put(PATH, { schema: { body: PushBody } }, async (request) =>
    updatePush(ctx, (await requireUser(ctx, request, "push")).tokenId, inputOf(request.body)),
  );
  fastify.delete(PATH, async (request) => {
    await unsubscribePush(ctx, (await requireUser(ctx, request, "push")).tokenId);
    return {};
  });
}
