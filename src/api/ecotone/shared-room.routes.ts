// Shared rooms: a room's owners list the organizations it admits; each
// organization's admin answers the invitation on their own instance.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import {
  answerRoomInvitation,
  inviteOrganization,
  listRoomOrganizationsFor,
  listSharedRooms,
  removeOrganization,
} from "../../services/groups/shared-room.service.ts";
import { requireCaller } from "./guard.ts";
import { body, bodyText } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

export function registerSharedRoomRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Params: { group: string } }>(`${BASE}/groups/:group/shared-room`, async (request) => {
    const caller = requireCaller(request, "read");
    return { organizations: await listRoomOrganizationsFor(ctx, caller.username, request.params.group) };
  });

  fastify.post<{ Params: { group: string } }>(`${BASE}/groups/:group/shared-room/organizations`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    const domain = bodyText(body<{ domain: string }>(request).domain, "domain", true)!;
    return reply.code(202).send({ organizations: await inviteOrganization(ctx, caller.username, request.params.group, domain) });
  });

  fastify.delete<{ Params: { group: string; domain: string } }>(`${BASE}/groups/:group/shared-room/organizations/:domain`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    await removeOrganization(ctx, caller.username, request.params.group, request.params.domain);
    return reply.code(204).send();
  });

  fastify.get(`${BASE}/admin/shared-rooms`, async (request) => listSharedRooms(ctx, requireCaller(request, "admin:read").username));

  for (const answer of ["accept", "decline", "leave"] as const) {
    fastify.post<{ Params: { id: string } }>(`${BASE}/admin/shared-rooms/invitations/:id/${answer}`, async (request) =>
      answerRoomInvitation(ctx, requireCaller(request, "admin:write").username, request.params.id, answer),
    );
  }
}
