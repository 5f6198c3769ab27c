// /api/ecotone/v1: idea boards — propose, vote, rank, search, answer.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { answerIdea, getIdea, ideaBoard, proposeIdea, voteForIdea } from "../../services/ideas/idea.service.ts";
import { IDEA_STATUSES } from "../../domain/idea.rules.ts";
import { signedIn } from "./guard.ts";
import { GroupParams, IdParams, OptionalText, orUndefined, RequiredText, route, Type, typed } from "./schema.ts";
import { viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

const ProposeBody = Type.Object({ title: RequiredText(), content: RequiredText() });
const AnswerBody = Type.Object({ status: RequiredText(), reason: OptionalText(), duplicateOf: OptionalText() });

export function registerIdeaRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.get(
    `${BASE}/groups/:group/ideas`,
    route(
      "The idea board, 50 ideas a page: ?sort=top (member votes) or momentum (votes weighted by age), ?q= search, ?status=, ?after= the `next` of the previous page",
      null,
      {
        params: GroupParams,
        querystring: Type.Object({
          sort: Type.Optional(Type.String()),
          q: Type.Optional(Type.String()),
          status: Type.Optional(Type.Union(IDEA_STATUSES.map((s) => Type.Literal(s)))),
          after: Type.Optional(Type.String({ pattern: "^[0-9.e+-]{1,40}_[0-9]{1,25}$" })),
        }),
      },
    ),
    async (request) =>
      ideaBoard(ctx, request.params.group, await viewerId(ctx, request), {
        sort: request.query.sort === "momentum" ? "momentum" : "top",
        search: request.query.q,
        status: request.query.status,
        after: request.query.after,
      }),
  );

  app.post(
    `${BASE}/groups/:group/ideas`,
    route('Propose an idea: {"title", "content"}', "write:statuses", { params: GroupParams, body: ProposeBody }),
    async (request, reply) => {
      const idea = await proposeIdea(ctx, signedIn(request).username, request.params.group, { title: request.body.title, content: request.body.content });
      return reply.code(201).send(idea);
    },
  );

  app.get(`${BASE}/ideas/:id`, route("An idea with its votes, status, reason and status history", null, { params: IdParams }), async (request) =>
    getIdea(ctx, request.params.id, await viewerId(ctx, request)),
  );

  app.post(`${BASE}/ideas/:id/vote`, route("Vote for an idea (members; one vote each)", "write:favourites", { params: IdParams }), async (request) =>
    voteForIdea(ctx, signedIn(request).username, request.params.id, true),
  );

  app.delete(`${BASE}/ideas/:id/vote`, route("Withdraw your vote", "write:favourites", { params: IdParams }), async (request) =>
    voteForIdea(ctx, signedIn(request).username, request.params.id, false),
  );

  app.post(
    `${BASE}/ideas/:id/status`,
    route(
      'Answer an idea (moderators of the owning group): {"status": under_review|planned|in_progress|done|declined|duplicate, "reason"?, "duplicateOf"?}',
      "write:statuses",
      { params: IdParams, body: AnswerBody },
    ),
    async (request) =>
      answerIdea(ctx, signedIn(request).username, request.params.id, {
        status: request.body.status,
        reason: orUndefined(request.body.reason),
        duplicateOf: orUndefined(request.body.duplicateOf),
      }),
  );
}
