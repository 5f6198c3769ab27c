// A form with a file (the composer's image) is multipart, and multipart
// bodies are read with limits chosen by who is asking (src/http/body-parsers.ts):
// a signed-in person may send one file. The APIs prove that with a bearer
// token; a browser proves it with its session cookie, checked here before the
// body is read, so an anonymous request still gets the anonymous limits.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../services/context.ts";
import { webSession } from "./session.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** True when a multipart form comes from a valid web session. */
    webSignedIn: boolean;
  }
}

export function registerMultipartSession(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.decorateRequest("webSignedIn", false);
  fastify.addHook("onRequest", async (request) => {
    if (request.method !== "POST" || !request.headers["content-type"]?.startsWith("multipart/form-data") || request.auth) return;
    request.webSignedIn = (await webSession(ctx, request)) !== null;
  });
}
