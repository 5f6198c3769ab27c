// Security headers through @fastify/helmet, for HTML pages only: each page
// door asks for them with `reply.helmet(options)` (the web interface in
// web/layout.ts, the OAuth consent page in api/mastodon/oauth.routes.ts), so
// its own Content-Security-Policy stays beside the markup it governs. Not
// global: JSON, ActivityPub documents and media are fetched cross-origin by
// other servers' clients, which a Cross-Origin-Resource-Policy would break.
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

export function registerSecurityHeaders(fastify: FastifyInstance, origin: URL): void {
  void fastify.register(helmet, {
    global: false,
    // HSTS only where the instance is served over https; a plain-http test
    // or intranet instance must stay reachable by http.
    strictTransportSecurity: origin.protocol === "https:" ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
}
