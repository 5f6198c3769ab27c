// An OpenAPI 3.1 document of the Mastodon routes as this server implements
// them, served at /api/ecotone/v1/openapi/mastodon.json (registered by app.ts
// right after the Ecotone document): each route's
// TypeBox schemas (ADR 0027, read as ADR 0008 says), so an app developer
// sees which fields we read. A second @fastify/swagger instance (its own
// decorator) keeps it apart from the Ecotone API's document; what each route
// does is Mastodon's (docs.joinmastodon.org), where docs/clients.md points.
import swagger from "@fastify/swagger";
import type { FastifyInstance, FastifySchema } from "fastify";
import { ECOTONE_VERSION } from "../../domain/version.ts";
import { MASTODON_API_PATH } from "../../domain/api-paths.ts";

declare module "fastify" {
  interface FastifyInstance {
    mastodonSwagger: () => Record<string, unknown>;
  }
}

/** Apps send any of these; the validator reads each into the route's schema. */
const CONSUMES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"];

/** Registers the document's swagger instance (awaited: it must see the Mastodon routes registered after it). */
export async function registerMastodonOpenApi(fastify: FastifyInstance, origin: string): Promise<void> {
  await fastify.register(swagger, {
    decorator: "mastodonSwagger",
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Ecotone's Mastodon client API",
        version: ECOTONE_VERSION,
        description: "The Mastodon API as Ecotone serves it: paths, fields and scopes are Mastodon's (docs.joinmastodon.org); see docs/clients.md.",
      },
      servers: [{ url: origin }],
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    transform: ({ schema, url, route }) => {
      const given = (schema ?? {}) as FastifySchema & { hide?: boolean };
      const methods = [route.method].flat();
      if (!MASTODON_API_PATH.test(url) || methods.every((m) => m === "HEAD")) return { schema: { ...given, hide: true }, url };
      const method = methods.find((m) => m !== "HEAD")!;
      return { schema: { ...given, summary: `${method} ${url} (Mastodon)`, consumes: CONSUMES } as FastifySchema, url };
    },
  });
  fastify.get("/api/ecotone/v1/openapi/mastodon.json", { schema: { summary: "The Mastodon client API's document: the fields each route reads" } }, async () =>
    fastify.mastodonSwagger(),
  );
}
