// Filters v2 (docs.joinmastodon.org/methods/filters) and the v1 list.
import type { Static } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import {
  addFilterStatus,
  addKeyword,
  changeFilter,
  changeKeyword,
  createFilter,
  filterOfPart,
  getFilter,
  listFilters,
  removeFilter,
  removeFilterStatus,
  removeKeyword,
  type FilterInput,
} from "../../services/accounts/filter.service.ts";
import { requireUser } from "./guard.ts";
import { FilterBody, FilterStatusBody, KeywordBody } from "./filter.schema.ts";
import { IdPath, typed } from "./mastodon.schema.ts";
import { toMastodonFilter, toMastodonFilterKeyword, toMastodonFilterStatus, toMastodonV1Filters } from "./filter.serializer.ts";

type IdParams = { Params: { id: string } };

type FilterFields = Static<typeof FilterBody>;

function inputOf(body: FilterFields): FilterInput {
  return {
    title: body.title,
    contexts: body.context,
    action: body.filter_action,
    expiresIn: body.expires_in,
    keywords: body.keywords_attributes?.map((k) => ({ id: k.id, keyword: k.keyword, wholeWord: k.whole_word, destroy: k._destroy })),
  };
}

export function registerMastodonFilterRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v1/filters", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    return (await listFilters(ctx, caller.actorId)).flatMap(toMastodonV1Filters);
  });

  fastify.get("/api/v2/filters", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    return (await listFilters(ctx, caller.actorId)).map((f) => toMastodonFilter(f));
  });

  fastify.get<IdParams>("/api/v2/filters/:id", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    return toMastodonFilter(await getFilter(ctx, caller.actorId, request.params.id));
  });

  typed(fastify).post("/api/v2/filters", { schema: { body: FilterBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    return toMastodonFilter(await createFilter(ctx, caller.actorId, inputOf(request.body)));
  });

  typed(fastify).put("/api/v2/filters/:id", { schema: { params: IdPath, body: FilterBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    return toMastodonFilter(await changeFilter(ctx, caller.actorId, request.params.id, inputOf(request.body)));
  });

  fastify.delete<IdParams>("/api/v2/filters/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    await removeFilter(ctx, caller.actorId, request.params.id);
    return {};
  });

  fastify.get<IdParams>("/api/v2/filters/:id/keywords", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    return (await getFilter(ctx, caller.actorId, request.params.id)).keywords.map(toMastodonFilterKeyword);
  });

  typed(fastify).post("/api/v2/filters/:id/keywords", { schema: { params: IdPath, body: KeywordBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    const body = request.body;
    return toMastodonFilterKeyword(await addKeyword(ctx, caller.actorId, request.params.id, body.keyword, body.whole_word));
  });

  fastify.get<IdParams>("/api/v2/filters/keywords/:id", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    const filter = await filterOfPart(ctx, caller.actorId, "keyword", request.params.id);
    return toMastodonFilterKeyword(filter.keywords.find((k) => k.id === request.params.id)!);
  });

  typed(fastify).put("/api/v2/filters/keywords/:id", { schema: { params: IdPath, body: KeywordBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    const body = request.body;
    return toMastodonFilterKeyword(await changeKeyword(ctx, caller.actorId, request.params.id, { keyword: body.keyword, wholeWord: body.whole_word }));
  });

  fastify.delete<IdParams>("/api/v2/filters/keywords/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    await removeKeyword(ctx, caller.actorId, request.params.id);
    return {};
  });

  fastify.get<IdParams>("/api/v2/filters/:id/statuses", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    return (await getFilter(ctx, caller.actorId, request.params.id)).statuses.map(toMastodonFilterStatus);
  });

  typed(fastify).post("/api/v2/filters/:id/statuses", { schema: { params: IdPath, body: FilterStatusBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    return toMastodonFilterStatus(await addFilterStatus(ctx, caller.actorId, request.params.id, request.body.status_id));
  });

  fastify.get<IdParams>("/api/v2/filters/statuses/:id", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    const filter = await filterOfPart(ctx, caller.actorId, "status", request.params.id);
    return toMastodonFilterStatus(filter.statuses.find((s) => s.id === request.params.id)!);
  });

  fastify.delete<IdParams>("/api/v2/filters/statuses/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    await removeFilterStatus(ctx, caller.actorId, request.params.id);
    return {};
  });
}
