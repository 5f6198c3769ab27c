// Default avatar and header images, so Mastodon clients always get an image
// URL (they break on null): plain coloured PNGs in ./static/, served by
// @fastify/static at /static/.
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

export const DEFAULT_AVATAR_PATH = "/static/avatar.png";
export const DEFAULT_HEADER_PATH = "/static/header.png";

export function registerStaticImages(fastify: FastifyInstance): void {
  void fastify.register(fastifyStatic, {
    root: fileURLToPath(new URL("./static/", import.meta.url)),
    prefix: "/static/",
    // One route per file found at start: nothing else under /static/ answers.
    wildcard: false,
    index: false,
    // No reply.sendFile anywhere (and two registrations may not both decorate).
    decorateReply: false,
    maxAge: 86_400_000,
  });
}
