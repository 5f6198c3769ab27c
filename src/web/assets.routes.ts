// The interface's own script and stylesheet, read once at start. No CDN, no
// fonts from elsewhere: the instance may well be offline.
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const FILES: Record<string, { type: string; body: Buffer }> = {
  "app.js": { type: "text/javascript; charset=utf-8", body: readFileSync(new URL("./assets/app.js", import.meta.url)) },
  "app.css": { type: "text/css; charset=utf-8", body: readFileSync(new URL("./assets/app.css", import.meta.url)) },
};

export function registerAssetRoutes(fastify: FastifyInstance): void {
  fastify.get<{ Params: { file: string } }>("/assets/:file", async (request, reply) => {
    const file = FILES[request.params.file];
    if (!file) return reply.code(404).type("text/plain").send("Not found");
    return reply
      .header("cache-control", "public, max-age=300")
      .header("x-content-type-options", "nosniff")
      .type(file.type)
      .send(file.body);
  });
}
