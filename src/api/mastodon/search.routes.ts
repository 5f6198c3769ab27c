// /api/v2/search and /api/v1/accounts/search: thin over the search service.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { search, searchAccounts, type SearchType } from "../../services/posts/search.service.ts";
import { optionalUser } from "./guard.ts";
import { Type } from "@fastify/type-provider-typebox";
import { Count, Flag, OptionalId, Text, typed } from "./mastodon.schema.ts";
import { renderAccounts, renderStatuses } from "./render.ts";
import { toMastodonTag } from "./tag.serializer.ts";
import { describeTags } from "../../services/posts/tag.service.ts";

const TYPES = new Set(["accounts", "statuses", "hashtags"]);

const AccountSearchQuery = Type.Object({ q: Text(1000), resolve: Flag, following: Flag, limit: Count, offset: Count });
const SearchQuery = Type.Object({
  ...AccountSearchQuery.properties,
  type: Text(16),
  account_id: OptionalId,
  max_id: OptionalId,
  min_id: OptionalId,
});

export function registerMastodonSearchRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).get("/api/v2/search", { schema: { querystring: SearchQuery } }, async (request) => {
    const viewer = await optionalUser(ctx, request, "read:search");
    const q = request.query;
    if (q.type && !TYPES.has(q.type)) throw validationFailed("type must be accounts, statuses or hashtags");
    const results = await search(ctx, viewer?.actorId ?? null, q.q ?? "", {
      type: q.type as SearchType | undefined,
      resolve: q.resolve ?? false,
      following: q.following ?? false,
      accountId: q.account_id,
      maxId: q.max_id,
      minId: q.min_id,
      limit: q.limit ?? 20,
      offset: q.offset ?? 0,
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
  typed(fastify).get("/api/v1/accounts/search", { schema: { querystring: AccountSearchQuery } }, async (request) => {
    const viewer = await optionalUser(ctx, request, "read:accounts");
    const q = request.query;
    const accounts = await searchAccounts(ctx, viewer?.actorId ?? null, q.q ?? "", {
      resolve: q.resolve ?? false,
      following: q.following ?? false,
      limit: q.limit ?? 40,
      offset: q.offset ?? 0,
    });
    return renderAccounts(ctx, accounts);
  });
}
