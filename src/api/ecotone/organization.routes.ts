// /api/ecotone/v1: our organization (public), its admin form, partners,
// audience overrides, the companies in a group, and the audit log.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import { auditCsv, listAudit, requireAdmin, type AuditQuery } from "../../services/organizations/audit.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { groupOrganizations } from "../../services/groups/group-organizations.service.ts";
import { getOwnOrganization, refreshOrganization, setOwnOrganization } from "../../services/organizations/organization.service.ts";
import { getPartner, listPartners, setPartner, setRemoteAudience } from "../../services/organizations/partner.service.ts";
import { registerGovernanceRoutes } from "./governance.routes.ts";
import { registerSharedRoomRoutes } from "./shared-room.routes.ts";
import { registerArchiveRoutes } from "./archive.routes.ts";
import { requireCaller } from "./guard.ts";
import { body, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

type DomainParams = { Params: { domain: string } };

export function registerOrganizationRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  registerGovernanceRoutes(fastify, ctx);
  registerSharedRoomRoutes(fastify, ctx);
  registerArchiveRoutes(fastify, ctx);
  fastify.get(`${BASE}/organization`, async () => getOwnOrganization(ctx));

  fastify.get(`${BASE}/admin/organization`, async (request) => {
    await requireAdmin(ctx, requireCaller(request, "admin:read").username);
    return getOwnOrganization(ctx);
  });

  fastify.put(`${BASE}/admin/organization`, async (request) => {
    const by = await requireAdmin(ctx, requireCaller(request, "admin:write").username);
    return setOwnOrganization(ctx, by, body<Record<string, unknown>>(request));
  });

  fastify.get(`${BASE}/admin/partners`, async (request) => {
    await requireAdmin(ctx, requireCaller(request, "admin:read").username);
    return { items: await listPartners(ctx) };
  });

  fastify.get<DomainParams>(`${BASE}/admin/partners/:domain`, async (request) => {
    await requireAdmin(ctx, requireCaller(request, "admin:read").username);
    return getPartner(ctx, request.params.domain);
  });

  fastify.put<DomainParams>(`${BASE}/admin/partners/:domain`, async (request) => {
    const by = await requireAdmin(ctx, requireCaller(request, "admin:write").username);
    const b = body<{ relationship: unknown; policy: unknown; joinRule: unknown }>(request);
    return setPartner(ctx, by, request.params.domain, { relationship: b.relationship, policy: b.policy, joinRule: b.joinRule });
  });

  // Learn a peer's organization again now, rather than when it turns stale.
  fastify.post<DomainParams>(`${BASE}/admin/partners/:domain/refresh`, async (request) => {
    await requireAdmin(ctx, requireCaller(request, "admin:write").username);
    await refreshOrganization(ctx, request.params.domain);
    return getPartner(ctx, request.params.domain);
  });

  // `:actor` is `@name@host` or an actor URL (URL-encoded); {"audience": null} returns to the inherited one.
  fastify.put<{ Params: { actor: string } }>(`${BASE}/admin/audiences/:actor`, async (request) => {
    const caller = requireCaller(request, "admin:write");
    await requireAdmin(ctx, caller.username);
    const audience = body<{ audience: unknown }>(request).audience;
    if (audience !== null && typeof audience !== "string") throw validationFailed('Send {"audience": "customer"} (or null)', { field: "audience" });
    return { audience: await setRemoteAudience(ctx, caller.username, request.params.actor, audience) };
  });

  fastify.get<{ Params: { group: string } }>(`${BASE}/groups/:group/organizations`, async (request) =>
    groupOrganizations(ctx, request.params.group, await viewerId(ctx, request)),
  );

  fastify.get<{ Querystring: AuditQuery & { format?: string } }>(`${BASE}/admin/audit`, async (request, reply) => {
    const caller = requireCaller(request, "admin:read");
    const { format, ...query } = request.query;
    const entries = await listAudit(ctx, caller.username, query);
    if (format === "csv") {
      return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="ecotone-audit.csv"').send(auditCsv(entries));
    }
    if (format !== undefined && format !== "json") throw validationFailed('"format" is csv or json', { field: "format" });
    return { items: entries };
  });
}
