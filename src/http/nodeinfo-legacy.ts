// NodeInfo 2.0 beside Fedify's 2.1: some directories and older clients only
// read 2.0. Both documents come from the one dispatcher (2.1); 2.0 is that
// document without the fields its schema lacks. Runs before the Fedify
// adapter, which would otherwise answer /.well-known/nodeinfo with 2.1 only.
import type { FastifyInstance } from "fastify";

const SCHEMA = (v: string) => `http://nodeinfo.diaspora.software/ns/schema/${v}`;

export function registerNodeInfoLegacy(
  fastify: FastifyInstance,
  options: { origin: URL; /** Fedify's answer to GET /nodeinfo/2.1. */ fetchNodeInfo21: () => Promise<Response> },
): void {
  const { origin } = options;
  const current = async () => (await (await options.fetchNodeInfo21()).json()) as Record<string, unknown> & { software: Record<string, unknown> };

  fastify.addHook("onRequest", async (request, reply) => {
    if (request.method !== "GET" && request.method !== "HEAD") return;
    const path = (request.url.split("?", 1)[0] ?? "").replace(/\/$/, "");
    if (path === "/.well-known/nodeinfo") {
      return reply
        .header("access-control-allow-origin", "*")
        .type("application/json")
        .send({
          links: [
            { rel: SCHEMA("2.0"), href: new URL("/nodeinfo/2.0", origin).href },
            { rel: SCHEMA("2.1"), href: new URL("/nodeinfo/2.1", origin).href },
          ],
        });
    }
    if (path === "/nodeinfo/2.0") {
      const doc = await current();
      const { homepage: _homepage, repository: _repository, ...software } = doc.software;
      return reply
        .header("access-control-allow-origin", "*")
        .type(`application/json; profile="${SCHEMA("2.0")}#"`)
        .send({ ...doc, version: "2.0", software, services: doc.services ?? { inbound: [], outbound: [] } });
    }
  });
}
