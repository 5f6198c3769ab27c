// Trends (tags, statuses, links) and follow suggestions, from the last week's activity.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getSuggestions, getTrendingPosts, getTrendingTags } from "../../services/posts/trend.service.ts";
import { optionalUser, requireUser, userIfScoped } from "./guard.ts";
import { Type } from "@fastify/type-provider-typebox";
import { Count, typed } from "./mastodon.schema.ts";
import { renderAccounts, renderStatuses } from "./render.ts";
import { toMastodonTag } from "./tag.serializer.ts";

const Paged = { schema: { querystring: Type.Object({ limit: Count, offset: Count }) } };

export function registerMastodonTrendRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  // `/api/v1/trends` is the older name of `/api/v1/trends/tags`.
  for (const path of ["/api/v1/trends", "/api/v1/trends/tags"]) {
    typed(fastify).get(path, Paged, async (request) => {
      const viewer = await userIfScoped(ctx, request, "read:follows");
      const q = request.query;
      const tags = await getTrendingTags(ctx, viewer?.actorId ?? null, { limit: q.limit, offset: q.offset });
      return tags.map((t) => toMastodonTag(t, ctx.origin));
    });
  }

  typed(fastify).get("/api/v1/trends/statuses", Paged, async (request) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    const q = request.query;
    return renderStatuses(ctx, await getTrendingPosts(ctx, viewer?.actorId ?? null, { limit: q.limit, offset: q.offset }));
  });

  // Ecotone builds no link previews, so no link trends.
  fastify.get("/api/v1/trends/links", async () => []);

  typed(fastify).get("/api/v1/suggestions", Paged, async (request) => {
    const caller = await requireUser(ctx, request, "read");
    return renderAccounts(ctx, await getSuggestions(ctx, caller.actorId, request.query.limit));
  });

  typed(fastify).get("/api/v2/suggestions", Paged, async (request) => {
    const caller = await requireUser(ctx, request, "read");
    const accounts = await renderAccounts(ctx, await getSuggestions(ctx, caller.actorId, request.query.limit));
    return accounts.map((account) => ({ source: "global", sources: ["most_followed"], account }));
  });
}
