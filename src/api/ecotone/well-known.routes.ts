// /.well-known/host-meta (XRD and JSON) pointing at WebFinger, and /healthz
// for probes. Fedify answers WebFinger and NodeInfo itself.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { checkHealth } from "../../services/organizations/instance.service.ts";

const XRD_NS = "http://docs.oasis-open.org/ns/xri/xrd-1.0";

export function registerWellKnown(fastify: FastifyInstance, ctx: ServiceContext): void {
  const template = `${ctx.origin.origin}/.well-known/webfinger?resource={uri}`;

  fastify.get("/.well-known/host-meta", async (_request, reply) => {
    return reply
      .type("application/xrd+xml; charset=utf-8")
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="${XRD_NS}">\n  <Link rel="lrdd" template="${template}"/>\n</XRD>\n`);
  });

  fastify.get("/.well-known/host-meta.json", async () => ({ links: [{ rel: "lrdd", template }] }));

  fastify.get("/healthz", async (_request, reply) => {
    const health = await checkHealth(ctx);
    return reply.code(health.status === "ok" ? 200 : 503).send(health);
  });
}
