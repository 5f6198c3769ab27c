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
import { GroupParams, IdParams, RequiredText, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1";

export function registerSharedRoomRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);
  app.get(
    `${BASE}/groups/:group/shared-room`,
    route("A shared room's organizations and their state (members, admins)", "read", { params: GroupParams }),
    async (request) => {
      const caller = requireCaller(request, "read");
      return { organizations: await listRoomOrganizationsFor(ctx, caller.username, request.params.group) };
    },
  );

  app.post(
    `${BASE}/groups/:group/shared-room/organizations`,
    route("Invite an organization to a shared room (owners, moderators)", "write:groups", {
      params: GroupParams,
      body: Type.Object({ domain: RequiredText({ maxLength: 253 }) }),
    }),
    async (request, reply) => {
      const caller = requireCaller(request, "write:groups");
      const domain = request.body.domain;
      return reply.code(202).send({ organizations: await inviteOrganization(ctx, caller.username, request.params.group, domain) });
    },
  );

  app.delete(
    `${BASE}/groups/:group/shared-room/organizations/:domain`,
    route("Remove an organization from a shared room; its people lose access", "write:groups", {
      params: Type.Object({ group: Type.String(), domain: Type.String() }),
    }),
    async (request, reply) => {
      const caller = requireCaller(request, "write:groups");
      await removeOrganization(ctx, caller.username, request.params.group, request.params.domain);
      return reply.code(204).send();
    },
  );

  app.get(`${BASE}/admin/shared-rooms`, route("Our shared rooms, and rooms elsewhere that invited us (admins)", "admin:read"), async (request) =>
    listSharedRooms(ctx, requireCaller(request, "admin:read").username),
  );

  const summaries = {
    accept: "Accept another company's shared-room invitation (admins)",
    decline: "Decline a shared-room invitation (admins)",
    leave: "Leave a shared room accepted before; our people lose access (admins)",
  };
  for (const answer of ["accept", "decline", "leave"] as const) {
    app.post(`${BASE}/admin/shared-rooms/invitations/:id/${answer}`, route(summaries[answer], "admin:write", { params: IdParams }), async (request) =>
      answerRoomInvitation(ctx, requireCaller(request, "admin:write").username, request.params.id, answer),
    );
  }
}
