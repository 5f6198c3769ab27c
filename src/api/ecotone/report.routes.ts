// /api/ecotone/v1/reports: file a report; moderators and admins read and resolve them.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { fileReport, listReports, resolveReport } from "../../services/report.service.ts";
import { requireCaller } from "./guard.ts";
import { body } from "./viewer.ts";

const BASE = "/api/ecotone/v1/reports";

export function registerReportRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post(BASE, async (request, reply) => {
    const caller = requireCaller(request, "write:reports");
    const b = body<{ target: unknown; postIds: unknown; comment: unknown }>(request);
    if (b.target !== undefined && typeof b.target !== "string") throw validationFailed('"target" must be a string');
    if (b.postIds !== undefined && !(Array.isArray(b.postIds) && b.postIds.every((p) => typeof p === "string"))) {
      throw validationFailed('"postIds" must be a list of post ids');
    }
    if (b.comment !== undefined && typeof b.comment !== "string") throw validationFailed('"comment" must be a string');
    const report = await fileReport(ctx, caller.username, {
      target: b.target as string | undefined,
      postIds: b.postIds as string[] | undefined,
      comment: b.comment as string | undefined,
    });
    return reply.code(201).send(report);
  });

  fastify.get(BASE, async (request) => {
    const caller = requireCaller(request, "read:reports");
    return { items: await listReports(ctx, caller.username) };
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/:id/resolve`, async (request, reply) => {
    const caller = requireCaller(request, "write:reports");
    await resolveReport(ctx, caller.username, request.params.id);
    return reply.code(204).send();
  });
}
