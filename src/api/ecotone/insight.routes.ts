// /api/ecotone/v1: insights of a group, of the instance, and of one person
// (docs/insights.md). Reads only; every figure comes from the rollups.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { groupInsights, instanceInsights, personInsights } from "../../services/insights/insight.service.ts";
import { groupCollaboration, instanceCollaboration } from "../../services/insights/collaboration.service.ts";
import { signedIn } from "./guard.ts";
import { GroupParams, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1";

const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "YYYY-MM-DD (UTC)" });
export const InsightQuerystring = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  interval: Type.Optional(Type.Union([Type.Literal("day"), Type.Literal("week")])),
  by: Type.Optional(Type.Union([Type.Literal("organization"), Type.Literal("audience")])),
});

export function registerInsightRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.get(
    `${BASE}/groups/:group/insights`,
    route(
      "A group's insights over ?from=&to= (days, UTC), by ?interval=day|week, split ?by=organization|audience: {totals, series, responsiveness, tasks, ideas} (moderators; members when the group lets them)",
      "read",
      { params: GroupParams, querystring: InsightQuerystring },
    ),
    async (request) => groupInsights(ctx, signedIn(request), request.params.group, request.query),
  );

  app.get(
    `${BASE}/groups/:group/insights/collaboration`,
    route(
      "Who replies to, mentions and works with whom in a group over ?from=&to=, organization × organization, and the people who bridge companies: {pairs, bridges} (same readers as its insights)",
      "read",
      { params: GroupParams, querystring: InsightQuerystring },
    ),
    async (request) => groupCollaboration(ctx, signedIn(request), request.params.group, request.query),
  );

  app.get(
    `${BASE}/insights/collaboration`,
    route("Collaboration over the whole instance, same shape as a group's; bridges ranked across groups too (admins)", "admin:read", {
      querystring: InsightQuerystring,
    }),
    async (request) => instanceCollaboration(ctx, signedIn(request), request.query),
  );

  app.get(
    `${BASE}/insights`,
    route("The instance's insights, same shape and parameters as a group's (admins)", "admin:read", { querystring: InsightQuerystring }),
    async (request) => instanceInsights(ctx, signedIn(request), request.query),
  );

  app.get(
    `${BASE}/insights/people`,
    route("One person's own figures over ?from=&to=: ?actor= (admins; without it, your own)", "read", {
      querystring: Type.Object({ actor: Type.Optional(Type.String({ maxLength: 2048 })), from: Type.Optional(Day), to: Type.Optional(Day) }),
    }),
    async (request) => personInsights(ctx, signedIn(request), request.query.actor, request.query),
  );
}
