// The Idempotency-Key header on every POST of the Ecotone API (see
// services/idempotency.service.ts for the rules). Registered after the auth
// hook, so the caller is known; a replayed answer carries
// `Idempotent-Replayed: true`.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { beginIdempotent, finishIdempotent, requestHash } from "../../services/apps/idempotency.service.ts";
import type { Caller } from "./guard.ts";

const PREFIX = "/api/ecotone/v1/";
const HELD = Symbol("idempotency");

type Held = { callerId: string; key: string };

export function registerIdempotency(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST" || !request.url.startsWith(PREFIX)) return;
    const header = request.headers["idempotency-key"];
    const key = Array.isArray(header) ? header[0] : header;
    const auth = (request as FastifyRequest & { auth?: Caller | null }).auth;
    // Without a caller the route answers 401 anyway; nothing to remember.
    if (key === undefined || !auth) return;
    const outcome = await beginIdempotent(ctx, auth.userId, key, requestHash(request.method, request.url, request.body));
    if (outcome.kind === "replay") {
      reply.code(outcome.statusCode).header("idempotent-replayed", "true");
      if (outcome.contentType) reply.header("content-type", outcome.contentType);
      return reply.send(outcome.body);
    }
    (request as unknown as Record<symbol, Held>)[HELD] = { callerId: auth.userId, key };
  });

  fastify.addHook("onSend", async (request, reply, payload) => {
    const held = (request as unknown as Record<symbol, Held | undefined>)[HELD];
    if (!held) return payload;
    const contentType = reply.getHeader("content-type");
    await finishIdempotent(ctx, held.callerId, held.key, {
      statusCode: reply.statusCode,
      body: typeof payload === "string" ? payload : payload === null || payload === undefined ? "" : String(payload),
      contentType: typeof contentType === "string" ? contentType : null,
    });
    return payload;
  });
}
