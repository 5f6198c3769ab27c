// /api/ecotone/v1/admin/join-approvals: employees' joins of groups hosted by
// partners whose join rule is "approval", waiting for an administrator.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { decideJoinApproval, listJoinApprovals } from "../../services/groups/governance.service.ts";
import { requestRemoteMembership } from "../../services/groups/group.service.ts";
import { requireCaller } from "./guard.ts";
import { IdParams, route, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1/admin/join-approvals";

export function registerGovernanceRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);
  app.get(BASE, route("Employees' joins of groups elsewhere waiting for an admin (the partner's join rule)", "admin:read"), async (request) => {
    const caller = requireCaller(request, "admin:read");
    return { items: await listJoinApprovals(ctx, caller.username) };
  });

  for (const decision of ["approve", "deny"] as const) {
    const summary = decision === "approve" ? "Approve a held join: it goes to the group's home" : "Deny a held join";
    app.post(`${BASE}/:id/${decision}`, route(summary, "admin:write", { params: IdParams }), async (request, reply) => {
      const caller = requireCaller(request, "admin:write");
      await decideJoinApproval(ctx, caller.username, request.params.id, decision === "approve", (memberId, group) =>
        requestRemoteMembership(ctx, memberId, group.id),
      );
      return reply.code(204).send();
    });
  }
}
