// Bearer-token authentication for the APIs. Tokens are minted by the CLI (and
// later by OAuth); only their hash is stored.
import type { FastifyInstance } from "fastify";
import { unauthorized } from "../domain/errors.ts";
import type { ServiceContext } from "../services/context.ts";
import { authenticateToken } from "../services/accounts/token.service.ts";
import { authenticateAppToken } from "../services/apps/oauth-app.service.ts";
import type { Caller } from "../services/caller.ts";

declare module "fastify" {
  interface FastifyRequest {
    auth: Caller | null;
  }
}

export function registerAuth(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.decorateRequest("auth", null);
  // onRequest: a bad token is refused before any body is read or parsed.
  fastify.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    if (!header?.toLowerCase().startsWith("bearer ")) return;
    const token = header.slice(7).trim();
    const result = await authenticateToken(ctx, token);
    if (!result) {
      // An app's own token (client_credentials) only verifies the app.
      if (request.url.startsWith("/api/v1/apps/verify_credentials") && (await authenticateAppToken(ctx, token))) return;
      throw unauthorized("The access token is invalid, expired or revoked");
    }
    request.auth = {
      userId: result.user.id,
      username: result.user.username,
      actorId: result.user.actorId,
      role: result.user.role,
      scopes: result.scopes,
      tokenId: result.tokenId,
      appId: result.appId,
    };
  });
}
