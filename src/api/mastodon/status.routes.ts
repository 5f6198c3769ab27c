// Mastodon statuses API: post, read, edit, delete, thread context, favourite.
import type { FastifyInstance } from "fastify";
import { notFound, validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { deletePost, editPost, getThread, likePost, unlikePost } from "../../services/posts/post.service.ts";
import { createStatus } from "../../services/posts/status.service.ts";
import { getPostEntries } from "../../services/posts/timeline.service.ts";
import { applyFilters } from "./filter.apply.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { renderAccounts, renderStatuses } from "./render.ts";
import { toMastodonBoost } from "./status.serializer.ts";
import { newPollOf } from "./poll.schema.ts";
import { EditStatusBody, NewStatusBody } from "./status.schema.ts";
import { IdPath, typed } from "./mastodon.schema.ts";
import { getActorById } from "../../services/accounts/actor.service.ts";
import { pinPost, unpinPost } from "../../services/posts/pin.service.ts";
import { reblogPost, unreblogPost, whoLiked, whoReblogged } from "../../services/posts/reblog.service.ts";

type IdParams = { Params: { id: string } };

async function renderOne(ctx: ServiceContext, id: string, viewerId: string | null) {
  const [entry] = await getPostEntries(ctx, viewerId, [id]);
  if (!entry) throw notFound("Record not found");
  return (await renderStatuses(ctx, [entry]))[0]!;
}

export function registerMastodonStatusRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).post("/api/v1/statuses", { schema: { body: NewStatusBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    const body = request.body;
    const mediaIds = body.media_ids ?? [];
    const poll = newPollOf(body.poll);
    if (poll && mediaIds.length > 0) throw validationFailed("Validation failed: A status with a poll cannot have media attached");
    const text = body.status ?? "";
    if (!text && mediaIds.length === 0) throw validationFailed("Validation failed: Text can't be blank");
    const post = await createStatus(ctx, caller.username, {
      text,
      inReplyToId: body.in_reply_to_id,
      visibility: body.visibility,
      spoilerText: body.spoiler_text,
      sensitive: body.sensitive ?? false,
      language: body.language,
      mediaIds,
      poll,
    });
    return renderOne(ctx, post.id, caller.actorId);
  });

  fastify.get<IdParams>("/api/v1/statuses/:id", async (request) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    return renderOne(ctx, request.params.id, viewer?.actorId ?? null);
  });

  typed(fastify).put("/api/v1/statuses/:id", { schema: { params: IdPath, body: EditStatusBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    const text = request.body.status;
    if (!text) throw validationFailed("Validation failed: Text can't be blank");
    await editPost(ctx, caller.username, request.params.id, { content: text, summary: request.body.spoiler_text });
    return renderOne(ctx, request.params.id, caller.actorId);
  });

  fastify.delete<IdParams>("/api/v1/statuses/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    const rendered = await renderOne(ctx, request.params.id, caller.actorId);
    await deletePost(ctx, caller.username, request.params.id);
    // Mastodon answers with the deleted status and its source text.
    const [entry] = await getPostEntries(ctx, caller.actorId, [request.params.id]);
    return { ...rendered, text: entry?.post.source_text ?? rendered.text };
  });

  fastify.get<IdParams>("/api/v1/statuses/:id/context", async (request) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    const viewerId = viewer?.actorId ?? null;
    const thread = await getThread(ctx, request.params.id, viewerId);
    const index = thread.findIndex((p) => p.id === request.params.id);
    const target = thread[index];
    if (!target) throw notFound("Record not found");
    // Ancestors: the chain of parents; descendants: everything below it.
    const byUri = new Map(thread.map((p) => [p.uri, p]));
    const ancestors = [];
    for (let p = target.inReplyToUri ? byUri.get(target.inReplyToUri) : undefined; p; p = p.inReplyToUri ? byUri.get(p.inReplyToUri) : undefined) {
      ancestors.unshift(p.id);
    }
    const below = new Set([target.uri]);
    const descendants: string[] = [];
    for (const p of thread) {
      if (p.inReplyToUri && below.has(p.inReplyToUri)) {
        below.add(p.uri);
        descendants.push(p.id);
      }
    }
    const entries = await getPostEntries(ctx, viewerId, [...ancestors, ...descendants]);
    const rendered = new Map((await applyFilters(ctx, viewerId, "thread", await renderStatuses(ctx, entries))).map((s) => [s.id, s]));
    return {
      ancestors: ancestors.map((id) => rendered.get(id)).filter(Boolean),
      descendants: descendants.map((id) => rendered.get(id)).filter(Boolean),
    };
  });

  fastify.post<IdParams>("/api/v1/statuses/:id/reblog", async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    const { reblogId } = await reblogPost(ctx, caller.username, request.params.id);
    const original = await renderOne(ctx, request.params.id, caller.actorId);
    const [me] = await renderAccounts(ctx, [(await getActorById(ctx, caller.actorId))!]);
    return toMastodonBoost({ id: reblogId, createdAt: new Date(), by: me! }, original);
  });

  fastify.post<IdParams>("/api/v1/statuses/:id/unreblog", async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    await unreblogPost(ctx, caller.username, request.params.id);
    return renderOne(ctx, request.params.id, caller.actorId);
  });

  fastify.get<IdParams>("/api/v1/statuses/:id/favourited_by", async (request) => {
    const viewer = await optionalUser(ctx, request, "read:accounts");
    return renderAccounts(ctx, await whoLiked(ctx, request.params.id, viewer?.actorId ?? null));
  });

  fastify.get<IdParams>("/api/v1/statuses/:id/reblogged_by", async (request) => {
    const viewer = await optionalUser(ctx, request, "read:accounts");
    return renderAccounts(ctx, await whoReblogged(ctx, request.params.id, viewer?.actorId ?? null));
  });

  for (const [action, pin] of [
    ["pin", true],
    ["unpin", false],
  ] as const) {
    fastify.post<IdParams>(`/api/v1/statuses/:id/${action}`, async (request) => {
      const caller = await requireUser(ctx, request, "write:accounts");
      if (pin) await pinPost(ctx, caller.actorId, request.params.id);
      else await unpinPost(ctx, caller.actorId, request.params.id);
      return renderOne(ctx, request.params.id, caller.actorId);
    });
  }

  fastify.post<IdParams>("/api/v1/statuses/:id/favourite", async (request) => {
    const caller = await requireUser(ctx, request, "write:favourites");
    await likePost(ctx, caller.username, request.params.id);
    return renderOne(ctx, request.params.id, caller.actorId);
  });

  fastify.post<IdParams>("/api/v1/statuses/:id/unfavourite", async (request) => {
    const caller = await requireUser(ctx, request, "write:favourites");
    await unlikePost(ctx, caller.username, request.params.id);
    return renderOne(ctx, request.params.id, caller.actorId);
  });
}
