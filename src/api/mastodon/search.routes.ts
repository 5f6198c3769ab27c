// /api/v2/search and /api/v1/accounts/search: thin over the search service.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { search, searchAccounts, type SearchType } from "../../services/posts/search.service.ts";
import { optionalUser } from "./guard.ts";
import { flag, idValue, queryOf } from "./params.ts";
import { renderAccounts, renderStatuses } from "./render.ts";
import { toMastodonTag } from "./tag.serializer.ts";
import { describeTags } from "../../services/posts/tag.service.ts";

const TYPES = new Set(["accounts", "statuses", "hashtags"]);

function intParam(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw validationFailed(`${field} must be a whole number`);
  return n;
}

export function registerMastodonSearchRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v2/search", async (request) => {
    const viewer = await optionalUser(ctx, request);
    const q = queryOf(request);
    const type = typeof q.type === "string" && q.type !== "" ? q.type : undefined;
    if (type && !TYPES.has(type)) throw validationFailed("type must be accounts, statuses or hashtags");
    const results = await search(ctx, viewer?.actorId ?? null, typeof q.q === "string" ? q.q : "", {
      type: type as SearchType | undefined,
      resolve: flag(q.resolve),
      following: flag(q.following),
      accountId: idValue(q.account_id, "account_id"),
      maxId: idValue(q.max_id, "max_id"),
      minId: idValue(q.min_id, "min_id"),
      limit: intParam(q.limit, "limit", 20),
      offset: intParam(q.offset, "offset", 0),
    });
    return {
      accounts: await renderAccounts(ctx, results.accounts),
      statuses: await renderStatuses(ctx, results.statuses),
      hashtags: (
        await describeTags(
          ctx,
          viewer?.actorId ?? null,
          results.hashtags.map((t) => t.tag),
        )
      ).map((t) => toMastodonTag(t, ctx.origin)),
    };
  });

  // The compose box's autocomplete and "find people".
  fastify.get("/api/v1/accounts/search", async (request) => {
    const viewer = await optionalUser(ctx, request);
    const q = queryOf(request);
    const accounts = await searchAccounts(ctx, viewer?.actorId ?? null, typeof q.q === "string" ? q.q : "", {
      resolve: flag(q.resolve),
      following: flag(q.following),
      limit: intParam(q.limit, "limit", 40),
      offset: intParam(q.offset, "offset", 0),
    });
    return renderAccounts(ctx, accounts);
  });
}
