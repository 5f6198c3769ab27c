// /api/ecotone/v1/admin/join-approvals: employees' joins of groups hosted by
// partners whose join rule is "approval", waiting for an administrator.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { decideJoinApproval, listJoinApprovals } from "../../services/groups/governance.service.ts";
import { requestRemoteMembership } from "../../services/groups/group.service.ts";
import { requireCaller } from "./guard.ts";

const BASE = "/api/ecotone/v1/admin/join-approvals";

export function registerGovernanceRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get(BASE, async (request) => {
    const caller = requireCaller(request, "admin:read");
    return { items: await listJoinApprovals(ctx, caller.username) };
  });

  for (const decision of ["approve", "deny"] as const) {
    fastify.post<{ Params: { id: string } }>(`${BASE}/:id/${decision}`, async (request, reply) => {
      const caller = requireCaller(request, "admin:write");
      await decideJoinApproval(ctx, caller.username, request.params.id, decision === "approve", (memberId, group) =>
        requestRemoteMembership(ctx, memberId, group.id),
      );
      return reply.code(204).send();
    });
  }
}
