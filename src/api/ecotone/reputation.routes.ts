// /api/ecotone/v1/groups/:group/reputation: who the group's trusted voices
// are, and why; /what-matters: the threads and ideas with the most signal
// (docs/insights.md, "Reputation" and "Signal and What matters").
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { groupReputation, groupRings } from "../../services/insights/reputation.service.ts";
import { whatMatters } from "../../services/insights/signal.service.ts";
import { signedIn } from "./guard.ts";
import { GroupParams, route, typed } from "./schema.ts";
import { viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

export function registerReputationRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.get(
    `${BASE}/groups/:group/reputation`,
    route("Reputation in a group, highest first: [{actor, score, level, reasons}] (whoever may read the group)", null, { params: GroupParams }),
    async (request) => groupReputation(ctx, request.params.group, await viewerId(ctx, request)),
  );

  app.get(
    `${BASE}/groups/:group/reputation/rings`,
    route("Reciprocal like/vote rings the scores leave out: [{actors, endorsements}] (the group's moderators)", "read", { params: GroupParams }),
    async (request) => groupRings(ctx, signedIn(request).username, request.params.group),
  );

  app.get(
    `${BASE}/groups/:group/what-matters`,
    route("What matters in a group over 30 days: {risingIdeas, multiCompanyThreads, unansweredCustomerQuestions}, each with its signal", null, {
      params: GroupParams,
    }),
    async (request) => whatMatters(ctx, request.params.group, await viewerId(ctx, request)),
  );
}
