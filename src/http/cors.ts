// CORS as Mastodon does it, through @fastify/cors: browser apps on other
// origins may call the API, the token endpoints and the well-known documents;
// `Link` is exposed for paging. Credentials are bearer tokens, never cookies,
// so `*` is safe. Pages (web interface, OAuth consent) get no CORS headers.
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

// Media and static images too: web apps draw them on a canvas (blurhash, crop), which needs CORS.
const CORS_PATHS = /^\/(api\/|oauth\/token|oauth\/revoke|\.well-known\/|nodeinfo\/|media\/|static\/)/;

const API_CORS = {
  origin: "*",
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
  exposedHeaders: ["Link", "X-RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-Request-Id"],
  maxAge: 86400,
  // A preflight without Origin (curl, probes) is answered too, as before.
  strictPreflight: false,
};

export function registerCors(fastify: FastifyInstance): void {
  void fastify.register(cors, {
    delegator: (request, callback) => callback(null, CORS_PATHS.test(request.url) ? API_CORS : { origin: false }),
  });
}
