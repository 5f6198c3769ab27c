// Leaving: `DELETE /me` (account deletion that federates). Archives: `GET /me/archive` (a person's data) and `GET /groups/:group/archive`
// (a group, for its owners), as downloadable ActivityStreams JSON.
import type { FastifyInstance, FastifyReply } from "fastify";
import { groupArchive, personalArchive } from "../../services/accounts/archive.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { requireCaller } from "./guard.ts";
import { GroupParams, RequiredText, route, Type, typed } from "./schema.ts";
import { deleteAccount } from "../../services/accounts/account-deletion.service.ts";

const BASE = "/api/ecotone/v1";

function download(reply: FastifyReply, name: string, archive: unknown) {
  return reply
    .type("application/activity+json; charset=utf-8")
    .header("content-disposition", `attachment; filename="${name.replace(/[^a-z0-9_.-]/gi, "_")}.json"`)
    .send(JSON.stringify(archive));
}

export function registerArchiveRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);
  app.get(`${BASE}/me/archive`, route("My posts, media, likes, follows and memberships as ActivityStreams JSON", "read"), async (request, reply) => {
    const caller = requireCaller(request, "read");
    return download(reply, `ecotone-archive-${caller.username}`, await personalArchive(ctx, caller.username));
  });

  // Deleting one's account, confirmed with the password; the network hears a Delete.
  app.delete(
    `${BASE}/me`,
    route("Delete my account, confirmed by the password; followers, people I follow and my groups hear a Delete", "write:accounts", {
      body: Type.Object({ password: RequiredText({ maxLength: 1024 }) }),
    }),
    async (request, reply) => {
      const caller = requireCaller(request, "write:accounts");
      await deleteAccount(ctx, caller.username, request.body.password);
      return reply.code(204).send();
    },
  );

  app.get(
    `${BASE}/groups/:group/archive`,
    route("A group with its posts and members as ActivityStreams JSON (owners)", "read", { params: GroupParams }),
    async (request, reply) => {
      const caller = requireCaller(request, "read");
      return download(reply, `ecotone-group-${request.params.group}`, await groupArchive(ctx, caller.username, request.params.group));
    },
  );
}
