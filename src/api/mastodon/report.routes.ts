// POST /api/v1/reports: report an account and some of its statuses, through
// the same report service as the Ecotone API and the web interface.
import type { FastifyInstance } from "fastify";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { getActorById } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { fileReport } from "../../services/posts/report.service.ts";
import { canSeeActor, viewerOf } from "../../services/visibility.service.ts";
import { requireUser } from "./guard.ts";
import { bodyOf, idList, idValue, optionalText } from "./params.ts";
import { renderAccount } from "./render.ts";

export function registerMastodonReportRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post("/api/v1/reports", async (request) => {
    const caller = await requireUser(ctx, request, "write:reports");
    const body = bodyOf(request);
    const accountId = idValue(body.account_id, "account_id");
    if (!accountId) throw validationFailed("account_id is required: the account you report");
    const target = await getActorById(ctx, accountId);
    if (!target || target.type === "Application" || !(await canSeeActor(ctx, viewerOf(caller.actorId), target))) throw notFound("Record not found");
    const statusIds = idList(body.status_ids, "status_ids");
    const comment = optionalText(body.comment, "comment");
    const report = await fileReport(ctx, caller.username, { target: target.uri, postIds: statusIds, comment });
    return {
      id: report.id,
      action_taken: false,
      action_taken_at: null,
      category: "other",
      comment: comment ?? "",
      // Reports about accounts elsewhere are always sent to their server (as a Flag).
      forwarded: !target.is_local,
      created_at: new Date().toISOString(),
      status_ids: statusIds,
      rule_ids: null,
      target_account: await renderAccount(ctx, target),
    };
  });
}
