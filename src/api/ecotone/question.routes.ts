// /api/ecotone/v1: questions and answers — a group's questions by state,
// similar answered questions while writing, experts, accepting an answer.
// Asking is POST /posts {"kind": "question"} (post.routes.ts). Escalating a
// thread to a task on the group's board lives here too.
import type { FastifyInstance } from "fastify";
import { parseQuestionState } from "../../domain/question.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  acceptAnswer,
  getQuestion,
  groupExperts,
  groupQuestions,
  similarAnsweredQuestions,
} from "../../services/question.service.ts";
import { escalateThread } from "../../services/escalation.service.ts";
import { requireCaller } from "./guard.ts";
import { body, bodyText, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";
type GroupParams = { Params: { group: string } };

export function registerQuestionRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<GroupParams & { Querystring: { state?: string; cursor?: string } }>(`${BASE}/groups/:group/questions`, async (request) =>
    groupQuestions(ctx, request.params.group, await viewerId(ctx, request), {
      state: parseQuestionState(request.query.state),
      cursor: request.query.cursor ?? null,
    }),
  );

  fastify.get<GroupParams & { Querystring: { q?: string } }>(`${BASE}/groups/:group/questions/similar`, async (request) => ({
    items: await similarAnsweredQuestions(ctx, request.params.group, await viewerId(ctx, request), request.query.q ?? ""),
  }));

  fastify.get<GroupParams & { Querystring: { tag?: string } }>(`${BASE}/groups/:group/experts`, async (request) => ({
    items: await groupExperts(ctx, request.params.group, await viewerId(ctx, request), request.query.tag ?? null),
  }));

  fastify.get<{ Params: { id: string } }>(`${BASE}/questions/:id`, async (request) =>
    getQuestion(ctx, request.params.id, await viewerId(ctx, request)),
  );

  fastify.post<{ Params: { id: string } }>(`${BASE}/posts/:id/accept`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return acceptAnswer(ctx, caller.username, request.params.id, bodyText(body<{ answer: string }>(request).answer, "answer", true));
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/posts/:id/escalate`, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    const result = await escalateThread(ctx, caller.username, request.params.id, { title: bodyText(body<{ title: string }>(request).title, "title") });
    return reply.code(201).send(result);
  });
}
