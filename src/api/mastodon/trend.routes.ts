// Trends (tags, statuses, links) and follow suggestions, from the last week's activity.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getSuggestions, getTrendingPosts, getTrendingTags } from "../../services/posts/trend.service.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { queryOf } from "./params.ts";
import { renderAccounts, renderStatuses } from "./render.ts";
import { toMastodonTag } from "./tag.serializer.ts";

const num = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);

export function registerMastodonTrendRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  // `/api/v1/trends` is the older name of `/api/v1/trends/tags`.
  for (const path of ["/api/v1/trends", "/api/v1/trends/tags"]) {
    fastify.get(path, async (request) => {
      const viewer = await optionalUser(ctx, request);
      const q = queryOf(request);
      const tags = await getTrendingTags(ctx, viewer?.actorId ?? null, { limit: num(q.limit), offset: num(q.offset) });
      return tags.map((t) => toMastodonTag(t, ctx.origin));
    });
  }

  fastify.get("/api/v1/trends/statuses", async (request) => {
    const viewer = await optionalUser(ctx, request);
    const q = queryOf(request);
    return renderStatuses(ctx, await getTrendingPosts(ctx, viewer?.actorId ?? null, { limit: num(q.limit), offset: num(q.offset) }));
  });

  // Ecotone builds no link previews, so no link trends.
  fastify.get("/api/v1/trends/links", async () => []);

  fastify.get("/api/v1/suggestions", async (request) => {
    const caller = await requireUser(ctx, request, "read");
    return renderAccounts(ctx, await getSuggestions(ctx, caller.actorId, num(queryOf(request).limit)));
  });

  fastify.get("/api/v2/suggestions", async (request) => {
    const caller = await requireUser(ctx, request, "read");
    const accounts = await renderAccounts(ctx, await getSuggestions(ctx, caller.actorId, num(queryOf(request).limit)));
    return accounts.map((account) => ({ source: "global", sources: ["most_followed"], account }));
  });
}
