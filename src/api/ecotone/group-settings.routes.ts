// /api/ecotone/v1/groups/:group/settings: what a group's moderators change
// after creating it: whether it takes questions (issue 16), whether members see its insights (issue 15).
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { changeGroupSettings } from "../../services/groups/group-settings.service.ts";
import { signedIn } from "./guard.ts";
import { GroupParams, route, Type, typed } from "./schema.ts";

const SettingsBody = Type.Object(
  { questionsEnabled: Type.Optional(Type.Boolean()), membersSeeInsights: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export function registerGroupSettingsRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);
  app.patch(
    "/api/ecotone/v1/groups/:group/settings",
    route(
      'Change a group\'s settings: {"questionsEnabled"?: true|false, "membersSeeInsights"?: true|false} (moderators, at the group\'s home)',
      "write:groups",
      {
        params: GroupParams,
        body: SettingsBody,
      },
    ),
    async (request) =>
      changeGroupSettings(ctx, signedIn(request).username, request.params.group, {
        questionsEnabled: request.body.questionsEnabled,
        membersSeeInsights: request.body.membersSeeInsights,
      }),
  );
}
