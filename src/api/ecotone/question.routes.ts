// /api/ecotone/v1: questions and answers — a group's questions by state,
// similar answered questions while writing, experts, accepting an answer.
// Asking is POST /posts {"kind": "question"} (post.routes.ts). Escalating a
// thread to a task on the group's board lives here too.
import type { FastifyInstance } from "fastify";
import { parseQuestionState } from "../../domain/question.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import { escalateThread } from "../../services/tasks/escalation.service.ts";
import { acceptAnswer, getQuestion, groupExperts, groupQuestions, similarAnsweredQuestions } from "../../services/ideas/question.service.ts";
import { signedIn } from "./guard.ts";
import { GroupParams, IdParams, OptionalText, orUndefined, RequiredText, route, Type, typed } from "./schema.ts";
import { viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";
const Optional = () => Type.Optional(Type.String());

export function registerQuestionRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.get(
    `${BASE}/groups/:group/questions`,
    route("The group's questions (?state=unanswered|answered|accepted), newest first, paged by ?cursor=", null, {
      params: GroupParams,
      querystring: Type.Object({ state: Optional(), cursor: Optional() }),
    }),
    async (request) =>
      groupQuestions(ctx, request.params.group, await viewerId(ctx, request), {
        state: parseQuestionState(request.query.state),
        cursor: request.query.cursor ?? null,
      }),
  );

  app.get(
    `${BASE}/groups/:group/questions/similar`,
    route("Answered questions like the one being written (?q=), best match first", null, { params: GroupParams, querystring: Type.Object({ q: Optional() }) }),
    async (request) => ({ items: await similarAnsweredQuestions(ctx, request.params.group, await viewerId(ctx, request), request.query.q ?? "") }),
  );

  app.get(
    `${BASE}/groups/:group/experts`,
    route("Members whose answers were accepted most (?tag= for questions with a tag), with reputation", null, {
      params: GroupParams,
      querystring: Type.Object({ tag: Optional() }),
    }),
    async (request) => ({ items: await groupExperts(ctx, request.params.group, await viewerId(ctx, request), request.query.tag ?? null) }),
  );

  app.get(
    `${BASE}/questions/:id`,
    route("A question with its answers (official or community) and the accepted one", null, { params: IdParams }),
    async (request) => getQuestion(ctx, request.params.id, await viewerId(ctx, request)),
  );

  app.post(
    `${BASE}/posts/:id/accept`,
    route('Accept an answer: {"answer": "<post id or URI of a reply>"} (the asker, or a moderator at the group\'s home); may change it', "write:statuses", {
      params: IdParams,
      body: Type.Object({ answer: RequiredText({ maxLength: 2048 }) }),
    }),
    async (request) => acceptAnswer(ctx, signedIn(request).username, request.params.id, request.body.answer),
  );

  app.post(
    `${BASE}/posts/:id/escalate`,
    route(
      "Turn a thread into a task on the group's board, linked both ways; the asker is kept informed: {\"title\"?} (moderators, at the group's home)",
      "write:statuses",
      {
        params: IdParams,
        body: Type.Optional(Type.Object({ title: OptionalText({ maxLength: 300 }) })),
      },
    ),
    async (request, reply) => {
      const result = await escalateThread(ctx, signedIn(request).username, request.params.id, { title: orUndefined(request.body?.title) });
      return reply.code(201).send(result);
    },
  );
}
