// /api/ecotone/v1/posts: write, reply, edit, delete, like; read a post, its
// thread and its edit history.
import type { FastifyInstance } from "fastify";
import { notFound, validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  createPost,
  deletePost,
  editPost,
  getPost,
  getPostHistory,
  getThread,
  likePost,
  setThreadLocked,
  unlikePost,
} from "../../services/post.service.ts";
import { sharePost } from "../../services/share.service.ts";
import { linkExternalRef, parseExternalRef } from "../../services/external-ref.service.ts";
import { askQuestion, postWithKind } from "../../services/question.service.ts";
import { requireCaller } from "./guard.ts";
import { body, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1/posts";
type PostParams = { Params: { id: string } };

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw validationFailed(`"${field}" must be a string`, { field });
  return value;
}

export function registerPostRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post(BASE, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    const kind = text(b.kind, "kind") ?? "post";
    if (kind !== "post" && kind !== "question") throw validationFailed('"kind" is "post" or "question"', { field: "kind" });
    const externalRef = parseExternalRef(b.externalRef);
    if (kind === "question") {
      const question = await askQuestion(ctx, caller.username, {
        group: text(b.group, "group"),
        content: text(b.content, "content") ?? "",
        title: text(b.title, "title"),
        externalRef,
      });
      return reply.code(201).send(await postWithKind(ctx, question.post, await viewerId(ctx, request)));
    }
    const post = await createPost(
      ctx,
      caller.username,
      {
        group: text(b.group, "group"),
        inReplyTo: text(b.inReplyTo, "inReplyTo"),
        content: text(b.content, "content") ?? "",
        title: text(b.title, "title"),
        summary: text(b.summary, "summary"),
        sensitive: b.sensitive === true,
        language: text(b.language, "language"),
      },
      externalRef ? (trx, postId) => linkExternalRef(trx, "post", postId, externalRef) : undefined,
    );
    return reply.code(201).send(await postWithKind(ctx, post, await viewerId(ctx, request)));
  });

  fastify.get<PostParams>(`${BASE}/:id`, async (request) => {
    const post = await getPost(ctx, request.params.id, await viewerId(ctx, request));
    if (!post) throw notFound(`No post ${request.params.id}`);
    return postWithKind(ctx, post, await viewerId(ctx, request));
  });

  fastify.get<PostParams>(`${BASE}/:id/thread`, async (request) => ({
    items: await getThread(ctx, request.params.id, await viewerId(ctx, request)),
  }));

  fastify.get<PostParams>(`${BASE}/:id/history`, async (request) => ({
    items: await getPostHistory(ctx, request.params.id, await viewerId(ctx, request)),
  }));

  fastify.patch<PostParams>(`${BASE}/:id`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    return editPost(ctx, caller.username, request.params.id, {
      content: text(b.content, "content") ?? "",
      title: text(b.title, "title"),
      summary: text(b.summary, "summary"),
    });
  });

  fastify.delete<PostParams>(`${BASE}/:id`, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    await deletePost(ctx, caller.username, request.params.id);
    return reply.code(204).send();
  });

  fastify.post<PostParams>(`${BASE}/:id/share`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    const group = text(body<{ group: string }>(request).group, "group");
    if (!group) throw validationFailed('Send {"group": "<group id, name or @name@host>"}');
    return sharePost(ctx, caller.username, request.params.id, group);
  });

  fastify.post<PostParams>(`${BASE}/:id/lock`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return setThreadLocked(ctx, caller.username, request.params.id, true);
  });

  fastify.delete<PostParams>(`${BASE}/:id/lock`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return setThreadLocked(ctx, caller.username, request.params.id, false);
  });

  fastify.post<PostParams>(`${BASE}/:id/like`, async (request) => {
    const caller = requireCaller(request, "write:favourites");
    return likePost(ctx, caller.username, request.params.id);
  });

  fastify.delete<PostParams>(`${BASE}/:id/like`, async (request) => {
    const caller = requireCaller(request, "write:favourites");
    return unlikePost(ctx, caller.username, request.params.id);
  });
}
