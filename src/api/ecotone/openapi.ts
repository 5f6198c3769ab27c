// The OpenAPI 3.1 document of the Ecotone API, served at
// /api/ecotone/v1/openapi.json, built by @fastify/swagger from the routes
// fastify actually registered and their schemas (TypeBox: summary, scope via
// `route()` in schema.ts, params, body), so a new route cannot go undocumented: one without
// a summary shows as "(undocumented)" and test/int/openapi.int.test.ts fails.
import swagger from "@fastify/swagger";
import type { FastifyInstance, FastifySchema } from "fastify";
import { ECOTONE_VERSION } from "../../domain/version.ts";
import { route } from "./schema.ts";

const BASE = "/api/ecotone/v1";

const ERROR_SCHEMA = {
  type: "object" as const,
  required: ["error"],
  properties: {
    error: {
      type: "object" as const,
      required: ["code", "message"],
      properties: {
        code: {
          type: "string" as const,
          enum: ["validation_failed", "not_found", "conflict", "forbidden", "unauthorized", "payload_too_large", "rate_limited", "unavailable", "internal"],
        },
        message: { type: "string" as const },
        details: { type: "object" as const },
      },
    },
  },
};

const RESPONSES = {
  "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } },
  default: { description: "An error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};

interface DocSchema extends FastifySchema {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  hide?: boolean;
}

/** Registers @fastify/swagger (awaited: it must see every route registered after it) and the document's route. */
export async function registerOpenApi(fastify: FastifyInstance, origin: string): Promise<void> {
  await fastify.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Ecotone API",
        version: ECOTONE_VERSION,
        description:
          "Groups, posts, follows and reports across Ecotone instances. " +
          'Tokens: `ecotone token create <user> --scopes "read write follow"` or OAuth 2 (see docs/clients.md).',
      },
      servers: [{ url: `${origin}${BASE}` }],
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
        schemas: { Error: ERROR_SCHEMA },
      },
    },
    transform: ({ schema, url, route }) => {
      const given = (schema ?? {}) as DocSchema;
      // The Mastodon API, pages and ActivityPub are documented elsewhere (docs/clients.md, docs/federation.md).
      if (!url.startsWith(`${BASE}/`) || [route.method].flat().every((m) => m === "HEAD")) return { schema: { ...given, hide: true }, url };
      // Every route declares its summary and scope with `route()` (schema.ts); one that does not shows as undocumented.
      const summary = given.summary ?? "(undocumented)";
      const scope = given.security?.[0]?.bearer?.[0] ?? null;
      const security = scope ? { security: [{ bearer: [scope] }], "x-scope": scope } : {};
      return { schema: { ...given, summary, ...security, response: RESPONSES } as FastifySchema, url };
    },
  });
  fastify.get(`${BASE}/openapi.json`, route("This document", null), async () => fastify.swagger());
}
