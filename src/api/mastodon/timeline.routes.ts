// Mastodon timelines: home, public (local / remote), hashtag.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getHomeItems, getPublicTimeline, getTagTimeline } from "../../services/posts/timeline.service.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { pageBounds, setLinkHeader } from "./pagination.ts";
import { renderHomeItems, renderStatuses } from "./render.ts";
import { Type } from "@fastify/type-provider-typebox";
import { Flag, typed } from "./mastodon.schema.ts";
import { applyFilters } from "./filter.apply.ts";

export function registerMastodonTimelineRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v1/timelines/home", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:statuses");
    const items = await getHomeItems(ctx, caller.actorId, pageBounds(request));
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      items.map((i) => i.id),
    );
    return applyFilters(ctx, caller.actorId, "home", await renderHomeItems(ctx, items));
  });

  typed(fastify).get("/api/v1/timelines/public", { schema: { querystring: Type.Object({ local: Flag, remote: Flag }) } }, async (request, reply) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    const entries = await getPublicTimeline(
      ctx,
      viewer?.actorId ?? null,
      { local: request.query.local ?? false, remote: request.query.remote ?? false },
      pageBounds(request),
    );
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      entries.map((e) => e.post.id),
    );
    return applyFilters(ctx, viewer?.actorId ?? null, "public", await renderStatuses(ctx, entries));
  });

  fastify.get<{ Params: { tag: string } }>("/api/v1/timelines/tag/:tag", async (request, reply) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    const entries = await getTagTimeline(ctx, viewer?.actorId ?? null, request.params.tag, pageBounds(request));
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      entries.map((e) => e.post.id),
    );
    return applyFilters(ctx, viewer?.actorId ?? null, "public", await renderStatuses(ctx, entries));
  });
}
