// Leaving: `DELETE /me` (account deletion that federates). Archives: `GET /me/archive` (a person's data) and `GET /groups/:group/archive`
// (a group, for its owners), as downloadable ActivityStreams JSON.
import type { FastifyInstance, FastifyReply } from "fastify";
import { groupArchive, personalArchive } from "../../services/accounts/archive.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { requireCaller } from "./guard.ts";
import { body } from "./viewer.ts";
import { deleteAccount } from "../../services/accounts/account-deletion.service.ts";

const BASE = "/api/ecotone/v1";

function download(reply: FastifyReply, name: string, archive: unknown) {
  return reply
    .type("application/activity+json; charset=utf-8")
    .header("content-disposition", `attachment; filename="${name.replace(/[^a-z0-9_.-]/gi, "_")}.json"`)
    .send(JSON.stringify(archive));
}

export function registerArchiveRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get(`${BASE}/me/archive`, async (request, reply) => {
    const caller = requireCaller(request, "read");
    return download(reply, `ecotone-archive-${caller.username}`, await personalArchive(ctx, caller.username));
  });

  // Deleting one's account, confirmed with the password; the network hears a Delete.
  fastify.delete(`${BASE}/me`, async (request, reply) => {
    const caller = requireCaller(request, "write:accounts");
    await deleteAccount(ctx, caller.username, body<{ password: unknown }>(request).password);
    return reply.code(204).send();
  });

  fastify.get<{ Params: { group: string } }>(`${BASE}/groups/:group/archive`, async (request, reply) => {
    const caller = requireCaller(request, "read");
    return download(reply, `ecotone-group-${request.params.group}`, await groupArchive(ctx, caller.username, request.params.group));
  });
}
