// /api/v2/search: accounts by handle (resolve=true fetches remote ones),
// statuses by URL, hashtags by name.
import type { FastifyInstance } from "fastify";
import { resolveActor, findCachedActor } from "../../services/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { resolvePostByUrl } from "../../services/search.service.ts";
import { getPostEntries } from "../../services/timeline.service.ts";
import { canSeeActor, viewerOf } from "../../services/visibility.service.ts";
import { optionalUser } from "./guard.ts";
import { renderAccounts, renderStatuses } from "./render.ts";

export function registerMastodonSearchRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Querystring: { q?: string; type?: string; resolve?: string } }>("/api/v2/search", async (request) => {
    const viewer = await optionalUser(ctx, request);
    const q = (request.query.q ?? "").trim();
    const resolve = (request.query.resolve === "true" || request.query.resolve === "1") && viewer !== null;
    const type = request.query.type;
    const result = { accounts: [] as unknown[], statuses: [] as unknown[], hashtags: [] as unknown[] };
    if (!q) return result;

    if (!type || type === "accounts") {
      // A URL (even one with an @ in it, like http://host/@name) is looked up as a URL, not a handle.
      const handle = !/^https?:\/\//.test(q) && /^@?[^@\s]+@[^@\s]+$/.test(q) ? (q.startsWith("@") ? q : `@${q}`) : null;
      const looksLikeUrl = /^https?:\/\//.test(q);
      let actor = null;
      if (handle || looksLikeUrl) {
        actor = resolve ? await resolveActor(ctx, handle ?? q).catch(() => null) : await findCachedActor(ctx, q);
      }
      if (actor && actor.type !== "Application" && (await canSeeActor(ctx, viewerOf(viewer?.actorId), actor))) {
        result.accounts = await renderAccounts(ctx, [actor]);
      }
    }
    if ((!type || type === "statuses") && /^https?:\/\//.test(q)) {
      const post = await resolvePostByUrl(ctx, q, { fetch: resolve });
      if (post) result.statuses = await renderStatuses(ctx, await getPostEntries(ctx, viewer?.actorId ?? null, [post.id]));
    }
    if ((!type || type === "hashtags") && /^#?[\p{L}\p{N}_]+$/u.test(q)) {
      const name = q.replace(/^#/, "").toLowerCase();
      result.hashtags = [{ name, url: new URL(`/tags/${encodeURIComponent(name)}`, ctx.origin).href, history: [] }];
    }
    return result;
  });
}
