// CORS as Mastodon does it: browser apps on other origins may call the API,
// the token endpoints and the well-known documents; `Link` is exposed for
// paging. Credentials are bearer tokens, never cookies, so `*` is safe.
import type { FastifyInstance } from "fastify";

// Media and static images too: web apps draw them on a canvas (blurhash, crop), which needs CORS.
const CORS_PATHS = /^\/(api\/|oauth\/token|oauth\/revoke|\.well-known\/|nodeinfo\/|media\/|static\/)/;

export function registerCors(fastify: FastifyInstance): void {
  fastify.addHook("onRequest", async (request, reply) => {
    if (!CORS_PATHS.test(request.url.slice(0, 64).replace(/^\//, "/"))) return;
    reply.header("access-control-allow-origin", "*");
    reply.header("access-control-expose-headers", "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id");
    if (request.method === "OPTIONS") {
      reply.header("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      reply.header("access-control-allow-headers", "Authorization, Content-Type, Idempotency-Key");
      reply.header("access-control-max-age", "86400");
      return reply.code(204).send();
    }
  });
}
