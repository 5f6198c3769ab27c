// The interface's own script and stylesheet, served by @fastify/static from
// ./assets/. No CDN, no fonts from elsewhere: the instance may well be offline.
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

export function registerAssetRoutes(fastify: FastifyInstance): void {
  void fastify.register(fastifyStatic, {
    root: fileURLToPath(new URL("./assets/", import.meta.url)),
    prefix: "/assets/",
    // One route per file found at start: nothing else under /assets/ answers.
    wildcard: false,
    index: false,
    // No reply.sendFile anywhere (and two registrations may not both decorate).
    decorateReply: false,
    // Short: a new release's script must reach browsers the same day.
    maxAge: 300_000,
    setHeaders: (reply, path) => {
      reply.header("x-content-type-options", "nosniff");
      // RFC 9239's type for scripts (the plugin's mime table says application/javascript).
      if (path.endsWith(".js")) reply.header("content-type", "text/javascript; charset=utf-8");
    },
  });
}
