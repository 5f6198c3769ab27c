// /api/ecotone/v1/reports: file a report; moderators and admins read and resolve them.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { fileReport, listReports, resolveReport } from "../../services/posts/report.service.ts";
import { signedIn } from "./guard.ts";
import { IdParams, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1/reports";

const ReportBody = Type.Object({
  target: Type.Optional(Type.String({ maxLength: 2048 })),
  postIds: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
  comment: Type.Optional(Type.String()),
});

export function registerReportRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.post(BASE, route('Report an account or posts: {"target"?, "postIds"?, "comment"?}', "write:reports", { body: ReportBody }), async (request, reply) => {
    const report = await fileReport(ctx, signedIn(request).username, request.body);
    return reply.code(201).send(report);
  });

  app.get(BASE, route("Open reports (instance staff: all; group moderators: their groups')", "read:reports"), async (request) => ({
    items: await listReports(ctx, signedIn(request).username),
  }));

  app.post(`${BASE}/:id/resolve`, route("Mark a report resolved", "write:reports", { params: IdParams }), async (request, reply) => {
    await resolveReport(ctx, signedIn(request).username, request.params.id);
    return reply.code(204).send();
  });
}
