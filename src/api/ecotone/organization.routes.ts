// /api/ecotone/v1: our organization (public), its admin form, partners,
// audience overrides, the companies in a group, and the audit log.
import type { FastifyInstance } from "fastify";
import { auditCsv, listAudit, requireAdmin } from "../../services/organizations/audit.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { groupOrganizations } from "../../services/groups/group-organizations.service.ts";
import { getOwnOrganization, refreshOrganization, setOwnOrganization } from "../../services/organizations/organization.service.ts";
import { getPartner, listPartners, setPartner, setRemoteAudience } from "../../services/organizations/partner.service.ts";
import { registerGovernanceRoutes } from "./governance.routes.ts";
import { registerSharedRoomRoutes } from "./shared-room.routes.ts";
import { registerArchiveRoutes } from "./archive.routes.ts";
import { requireCaller } from "./guard.ts";
import { viewerId } from "./viewer.ts";
import { GroupParams, OptionalText, RequiredText, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1";

const DomainParams = Type.Object({ domain: Type.String() });
/** The organization's fields; what each may hold (lengths, URL schemes) is the service's rule. */
const OrganizationBody = Type.Object({
  name: RequiredText({ maxLength: 200 }),
  shortName: OptionalText({ maxLength: 50 }),
  logoUrl: OptionalText({ maxLength: 2048 }),
  website: OptionalText({ maxLength: 2048 }),
  description: OptionalText({ maxLength: 5000 }),
});
/** Each label is optional; null clears it. The allowed values are the service's (partner.service.ts). */
const PartnerBody = Type.Object({
  relationship: OptionalText({ maxLength: 32 }),
  policy: OptionalText({ maxLength: 32 }),
  joinRule: OptionalText({ maxLength: 32 }),
});
const AudienceBody = Type.Object({ audience: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]) });
const AuditQueryParams = Type.Object({
  actor: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  since: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String()),
  format: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("csv")])),
});

export function registerOrganizationRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  registerGovernanceRoutes(fastify, ctx);
  registerSharedRoomRoutes(fastify, ctx);
  registerArchiveRoutes(fastify, ctx);
  const app = typed(fastify);
  app.get(`${BASE}/organization`, route("This instance's organization: name, shortName, logoUrl, website, description", null), async () =>
    getOwnOrganization(ctx),
  );

  app.get(`${BASE}/admin/organization`, route("Our organization (admins)", "admin:read"), async (request) => {
    await requireAdmin(ctx, requireCaller(request, "admin:read").username);
    return getOwnOrganization(ctx);
  });

  app.put(`${BASE}/admin/organization`, route("Set our organization (admins)", "admin:write", { body: OrganizationBody }), async (request) => {
    const by = await requireAdmin(ctx, requireCaller(request, "admin:write").username);
    return setOwnOrganization(ctx, by, request.body);
  });

  app.get(`${BASE}/admin/partners`, route("Every organization we know, with relationship, policy and join rule (admins)", "admin:read"), async (request) => {
    await requireAdmin(ctx, requireCaller(request, "admin:read").username);
    return { items: await listPartners(ctx) };
  });

  app.get(
    `${BASE}/admin/partners/:domain`,
    route("One organization's relationship, policy and join rule (admins)", "admin:read", { params: DomainParams }),
    async (request) => {
      await requireAdmin(ctx, requireCaller(request, "admin:read").username);
      return getPartner(ctx, request.params.domain);
    },
  );

  app.put(
    `${BASE}/admin/partners/:domain`,
    route(
      "Label an organization: relationship customer|partner|supplier|affiliate|prospect|null, policy allow|block|limited, joinRule allow|approval|deny (admins)",
      "admin:write",
      {
        params: DomainParams,
        body: PartnerBody,
      },
    ),
    async (request) => {
      const by = await requireAdmin(ctx, requireCaller(request, "admin:write").username);
      const b = request.body;
      return setPartner(ctx, by, request.params.domain, { relationship: b.relationship, policy: b.policy, joinRule: b.joinRule });
    },
  );

  // Learn a peer's organization again now, rather than when it turns stale.
  app.post(
    `${BASE}/admin/partners/:domain/refresh`,
    route("Learn a peer's organization again now (admins)", "admin:write", { params: DomainParams }),
    async (request) => {
      await requireAdmin(ctx, requireCaller(request, "admin:write").username);
      await refreshOrganization(ctx, request.params.domain);
      return getPartner(ctx, request.params.domain);
    },
  );

  // `:actor` is `@name@host` or an actor URL (URL-encoded); {"audience": null} returns to the inherited one.
  app.put(
    `${BASE}/admin/audiences/:actor`,
    route("Override a remote person's audience: employee|customer|partner|supplier|other|null (admins)", "admin:write", {
      params: Type.Object({ actor: Type.String() }),
      body: AudienceBody,
    }),
    async (request) => {
      const caller = requireCaller(request, "admin:write");
      await requireAdmin(ctx, caller.username);
      const audience = request.body.audience;
      return { audience: await setRemoteAudience(ctx, caller.username, request.params.actor, audience) };
    },
  );

  app.get(
    `${BASE}/groups/:group/organizations`,
    route("Companies in a group: [{organization, memberCount}], from the group's home", null, { params: GroupParams }),
    async (request) => groupOrganizations(ctx, request.params.group, await viewerId(ctx, request, "read:accounts")),
  );

  app.get(
    `${BASE}/admin/audit`,
    route("The audit log (?actor=, ?action=, ?target=, ?since=, ?limit=, ?format=csv); moderators see their groups'", "admin:read", {
      querystring: AuditQueryParams,
    }),
    async (request, reply) => {
      const caller = requireCaller(request, "admin:read");
      const { format, ...query } = request.query;
      const entries = await listAudit(ctx, caller.username, query);
      if (format === "csv") {
        return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="ecotone-audit.csv"').send(auditCsv(entries));
      }
      return { items: entries };
    },
  );
}
