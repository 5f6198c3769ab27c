// /api/ecotone/v1/posts: write, reply, edit, delete, like; read a post, its
// thread and its edit history.
import type { FastifyInstance } from "fastify";
import { notFound } from "../../domain/errors.ts";
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
} from "../../services/posts/post.service.ts";
import { sharePost } from "../../services/posts/share.service.ts";
import { linkExternalRef, parseExternalRef } from "../../services/apps/external-ref.service.ts";
import { askQuestion, postWithKind } from "../../services/ideas/question.service.ts";
import { signedIn } from "./guard.ts";
import { IdParams, OptionalText, orUndefined, RequiredText, route, Type, typed } from "./schema.ts";
import { authorId, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1/posts";

/** `{"system", "id", "url"?}`; parseExternalRef checks the values and says how to fix them. */
const ExternalRefBody = Type.Optional(Type.Union([Type.Object({ system: Type.String(), id: Type.String(), url: OptionalText() }), Type.Null()]));

const WriteBody = Type.Object({
  group: OptionalText(),
  inReplyTo: OptionalText(),
  content: OptionalText(),
  title: OptionalText(),
  summary: OptionalText(),
  sensitive: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  language: OptionalText(),
  kind: Type.Optional(Type.Union([Type.Literal("post"), Type.Literal("question"), Type.Null()])),
  externalRef: ExternalRefBody,
});
const EditBody = Type.Object({ content: OptionalText(), title: OptionalText(), summary: OptionalText() });
const ShareBody = Type.Object({ group: RequiredText({ maxLength: 2048 }) });

export function registerPostRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.post(
    BASE,
    route(
      'Write a post: {"group" or "inReplyTo", "content", "title"?, "summary"?, "sensitive"?, "language"?, "kind"?: post|question, "externalRef"?: {"system", "id", "url"?}}',
      "write:statuses",
      { body: WriteBody },
    ),
    async (request, reply) => {
      const b = request.body;
      const username = signedIn(request).username;
      const externalRef = parseExternalRef(b.externalRef);
      if (b.kind === "question") {
        const question = await askQuestion(ctx, username, {
          group: orUndefined(b.group),
          content: b.content ?? "",
          title: orUndefined(b.title),
          externalRef,
        });
        return reply.code(201).send(await postWithKind(ctx, question.post, await authorId(ctx, request)));
      }
      const post = await createPost(
        ctx,
        username,
        {
          group: orUndefined(b.group),
          inReplyTo: orUndefined(b.inReplyTo),
          content: b.content ?? "",
          title: orUndefined(b.title),
          summary: orUndefined(b.summary),
          sensitive: b.sensitive === true,
          language: orUndefined(b.language),
        },
        externalRef ? (trx, postId) => linkExternalRef(trx, "post", postId, externalRef) : undefined,
      );
      return reply.code(201).send(await postWithKind(ctx, post, await authorId(ctx, request)));
    },
  );

  app.get(`${BASE}/:id`, route("A post the viewer may see", null, { params: IdParams }), async (request) => {
    const post = await getPost(ctx, request.params.id, await viewerId(ctx, request));
    if (!post) throw notFound(`No post ${request.params.id}`);
    return postWithKind(ctx, post, await viewerId(ctx, request));
  });

  app.get(`${BASE}/:id/thread`, route("Every post of the thread, oldest first", null, { params: IdParams }), async (request) => ({
    items: await getThread(ctx, request.params.id, await viewerId(ctx, request)),
  }));

  app.get(`${BASE}/:id/history`, route("Earlier versions of an edited post", null, { params: IdParams }), async (request) => ({
    items: await getPostHistory(ctx, request.params.id, await viewerId(ctx, request)),
  }));

  app.patch(
    `${BASE}/:id`,
    route('Edit your post: {"content", "title"?, "summary"?}', "write:statuses", { params: IdParams, body: EditBody }),
    async (request) =>
      editPost(ctx, signedIn(request).username, request.params.id, {
        content: request.body.content ?? "",
        title: orUndefined(request.body.title),
        summary: orUndefined(request.body.summary),
      }),
  );

  app.delete(
    `${BASE}/:id`,
    route("Delete your post, or remove one from a group you moderate", "write:statuses", { params: IdParams }),
    async (request, reply) => {
      await deletePost(ctx, signedIn(request).username, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    `${BASE}/:id/share`,
    route('Share a public post into another group: {"group"}', "write:statuses", { params: IdParams, body: ShareBody }),
    async (request) => sharePost(ctx, signedIn(request).username, request.params.id, request.body.group),
  );

  app.post(`${BASE}/:id/lock`, route("Lock a thread (moderators)", "write:statuses", { params: IdParams }), async (request) =>
    setThreadLocked(ctx, signedIn(request).username, request.params.id, true),
  );

  app.delete(`${BASE}/:id/lock`, route("Unlock a thread (moderators)", "write:statuses", { params: IdParams }), async (request) =>
    setThreadLocked(ctx, signedIn(request).username, request.params.id, false),
  );

  app.post(`${BASE}/:id/like`, route("Like a post", "write:favourites", { params: IdParams }), async (request) =>
    likePost(ctx, signedIn(request).username, request.params.id),
  );

  app.delete(`${BASE}/:id/like`, route("Withdraw a like", "write:favourites", { params: IdParams }), async (request) =>
    unlikePost(ctx, signedIn(request).username, request.params.id),
  );
}
