// /api/ecotone/v1: idea boards — propose, vote, rank, search, answer.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { answerIdea, getIdea, ideaBoard, proposeIdea, voteForIdea } from "../../services/idea.service.ts";
import { requireCaller } from "./guard.ts";
import { body, bodyText as text, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

export function registerIdeaRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Params: { group: string }; Querystring: { sort?: string; q?: string } }>(`${BASE}/groups/:group/ideas`, async (request) => ({
    items: await ideaBoard(ctx, request.params.group, await viewerId(ctx, request), {
      sort: request.query.sort === "momentum" ? "momentum" : "top",
      search: request.query.q,
    }),
  }));

  fastify.post<{ Params: { group: string } }>(`${BASE}/groups/:group/ideas`, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    const idea = await proposeIdea(ctx, caller.username, request.params.group, {
      title: text(b.title, "title", true)!,
      content: text(b.content, "content", true)!,
    });
    return reply.code(201).send(idea);
  });

  fastify.get<{ Params: { id: string } }>(`${BASE}/ideas/:id`, async (request) => getIdea(ctx, request.params.id, await viewerId(ctx, request)));

  fastify.post<{ Params: { id: string } }>(`${BASE}/ideas/:id/vote`, async (request) => {
    const caller = requireCaller(request, "write:favourites");
    return voteForIdea(ctx, caller.username, request.params.id, true);
  });

  fastify.delete<{ Params: { id: string } }>(`${BASE}/ideas/:id/vote`, async (request) => {
    const caller = requireCaller(request, "write:favourites");
    return voteForIdea(ctx, caller.username, request.params.id, false);
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/ideas/:id/status`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    return answerIdea(ctx, caller.username, request.params.id, {
      status: text(b.status, "status", true)!,
      reason: text(b.reason, "reason"),
      duplicateOf: text(b.duplicateOf, "duplicateOf"),
    });
  });
}
