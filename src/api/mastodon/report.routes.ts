// POST /api/v1/reports: report an account and some of its statuses, through
// the same report service as the Ecotone API and the web interface.
import type { FastifyInstance } from "fastify";
import { Type } from "@fastify/type-provider-typebox";
import { notFound } from "../../domain/errors.ts";
import { getActorById } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { fileReport } from "../../services/posts/report.service.ts";
import { canSeeActor, viewerOf } from "../../services/visibility.service.ts";
import { requireUser } from "./guard.ts";
import { Id, IdList, Text, typed } from "./mastodon.schema.ts";
import { renderAccount } from "./render.ts";

/** `account_id`: the account you report; Mastodon's category, rule_ids and forward are let through. */
const ReportBody = Type.Object({ account_id: Id, status_ids: IdList, comment: Text(1000) });

export function registerMastodonReportRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).post("/api/v1/reports", { schema: { body: ReportBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:reports");
    const body = request.body;
    const target = await getActorById(ctx, body.account_id);
    if (!target || target.type === "Application" || !(await canSeeActor(ctx, viewerOf(caller.actorId), target))) throw notFound("Record not found");
    const statusIds = body.status_ids ?? [];
    const comment = body.comment;
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
