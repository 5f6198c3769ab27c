// Filters v2 (docs.joinmastodon.org/methods/filters) and the v1 list.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
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
  type KeywordInput,
} from "../../services/accounts/filter.service.ts";
import { requireUser } from "./guard.ts";
import { bodyOf, idValue, listParam, railsBool } from "./params.ts";
import { toMastodonFilter, toMastodonFilterKeyword, toMastodonFilterStatus, toMastodonV1Filters } from "./filter.serializer.ts";

type IdParams = { Params: { id: string } };

function keywordsOf(body: Record<string, unknown>): KeywordInput[] | undefined {
  // JSON: [{keyword, whole_word, id, _destroy}]; a form sends one keyword as keywords_attributes[][keyword].
  const raw =
    body.keywords_attributes ??
    (body["keywords_attributes[][keyword]"] !== undefined
      ? [{ keyword: body["keywords_attributes[][keyword]"], whole_word: body["keywords_attributes[][whole_word]"] }]
      : undefined);
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : typeof raw === "object" && raw !== null ? Object.values(raw) : null;
  if (!list) throw validationFailed("keywords_attributes must be a list of {keyword, whole_word}");
  return list.map((k) => {
    if (!k || typeof k !== "object") throw validationFailed("keywords_attributes must be a list of {keyword, whole_word}");
    const item = k as Record<string, unknown>;
    return { id: idValue(item.id, "keywords_attributes id"), keyword: item.keyword, wholeWord: railsBool(item.whole_word), destroy: railsBool(item._destroy) };
  });
}

function inputOf(request: FastifyRequest): FilterInput {
  const body = bodyOf(request);
  const contexts = listParam(body, "context");
  const expires = body.expires_in;
  const expiresIn = expires === undefined ? undefined : expires === null || expires === "" ? null : Number(expires);
  if (typeof expiresIn === "number" && !Number.isFinite(expiresIn)) throw validationFailed("expires_in must be a whole number of seconds");
  return {
    title: body.title,
    contexts: contexts.length > 0 || body.context !== undefined ? contexts : undefined,
    action: body.filter_action,
    expiresIn,
    keywords: keywordsOf(body),
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

  fastify.post("/api/v2/filters", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    return toMastodonFilter(await createFilter(ctx, caller.actorId, inputOf(request)));
  });

  fastify.put<IdParams>("/api/v2/filters/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    return toMastodonFilter(await changeFilter(ctx, caller.actorId, request.params.id, inputOf(request)));
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

  fastify.post<IdParams>("/api/v2/filters/:id/keywords", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    const body = bodyOf(request);
    return toMastodonFilterKeyword(await addKeyword(ctx, caller.actorId, request.params.id, body.keyword, railsBool(body.whole_word)));
  });

  fastify.get<IdParams>("/api/v2/filters/keywords/:id", async (request) => {
    const caller = await requireUser(ctx, request, "read:filters");
    const filter = await filterOfPart(ctx, caller.actorId, "keyword", request.params.id);
    return toMastodonFilterKeyword(filter.keywords.find((k) => k.id === request.params.id)!);
  });

  fastify.put<IdParams>("/api/v2/filters/keywords/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    const body = bodyOf(request);
    return toMastodonFilterKeyword(
      await changeKeyword(ctx, caller.actorId, request.params.id, { keyword: body.keyword, wholeWord: railsBool(body.whole_word) }),
    );
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

  fastify.post<IdParams>("/api/v2/filters/:id/statuses", async (request) => {
    const caller = await requireUser(ctx, request, "write:filters");
    return toMastodonFilterStatus(await addFilterStatus(ctx, caller.actorId, request.params.id, idValue(bodyOf(request).status_id, "status_id")));
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
