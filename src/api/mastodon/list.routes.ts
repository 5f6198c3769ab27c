// Lists (docs.joinmastodon.org/methods/lists) and list timelines.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import {
  addToList,
  changeList,
  createList,
  getListAccounts,
  getLists,
  getListsHolding,
  getListTimeline,
  removeFromList,
  removeList,
  requireList,
  type ListRow,
} from "../../services/accounts/list.service.ts";
import { applyFilters } from "./filter.apply.ts";
import { requireUser } from "./guard.ts";
import { pageBounds, setLinkHeader } from "./pagination.ts";
import { bodyOf, idList, queryOf, railsBool } from "./params.ts";
import { renderAccounts, renderStatuses } from "./render.ts";

type IdParams = { Params: { id: string } };

const toMastodonList = (list: ListRow) => ({ id: list.id, title: list.title, replies_policy: list.replies_policy, exclusive: list.exclusive });

export function registerMastodonListRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v1/lists", async (request) => {
    const caller = await requireUser(ctx, request, "read:lists");
    return (await getLists(ctx, caller.actorId)).map(toMastodonList);
  });

  fastify.get<IdParams>("/api/v1/lists/:id", async (request) => {
    const caller = await requireUser(ctx, request, "read:lists");
    return toMastodonList(await requireList(ctx, caller.actorId, request.params.id));
  });

  fastify.post("/api/v1/lists", async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    const body = bodyOf(request);
    return toMastodonList(
      await createList(ctx, caller.actorId, { title: body.title, repliesPolicy: body.replies_policy, exclusive: railsBool(body.exclusive) }),
    );
  });

  fastify.put<IdParams>("/api/v1/lists/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    const body = bodyOf(request);
    const list = await changeList(ctx, caller.actorId, request.params.id, {
      title: body.title,
      repliesPolicy: body.replies_policy,
      exclusive: railsBool(body.exclusive),
    });
    return toMastodonList(list);
  });

  fastify.delete<IdParams>("/api/v1/lists/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    await removeList(ctx, caller.actorId, request.params.id);
    return {};
  });

  fastify.get<IdParams>("/api/v1/lists/:id/accounts", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:lists");
    const bounds = pageBounds(request, 40, 80);
    const q = queryOf(request);
    // limit=0 means all of them, as on Mastodon.
    const limit = q.limit === "0" ? 10_000 : bounds.limit;
    const accounts = await getListAccounts(ctx, caller.actorId, request.params.id, { maxId: bounds.maxId, limit });
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      accounts.map((a) => a.id),
    );
    return renderAccounts(ctx, accounts);
  });

  // Apps send account_ids in the body, or for DELETE in the query.
  const accountIds = (request: Parameters<typeof bodyOf>[0]) => {
    const body = bodyOf(request);
    const q = queryOf(request);
    return idList(body.account_ids ?? q["account_ids[]"] ?? q.account_ids, "account_ids");
  };

  fastify.post<IdParams>("/api/v1/lists/:id/accounts", async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    await addToList(ctx, caller.actorId, request.params.id, accountIds(request));
    return {};
  });

  fastify.delete<IdParams>("/api/v1/lists/:id/accounts", async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    await removeFromList(ctx, caller.actorId, request.params.id, accountIds(request));
    return {};
  });

  fastify.get<IdParams>("/api/v1/accounts/:id/lists", async (request) => {
    const caller = await requireUser(ctx, request, "read:lists");
    return (await getListsHolding(ctx, caller.actorId, request.params.id)).map(toMastodonList);
  });

  fastify.get<IdParams>("/api/v1/timelines/list/:id", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:lists");
    const entries = await getListTimeline(ctx, caller.actorId, request.params.id, pageBounds(request));
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      entries.map((e) => e.post.id),
    );
    return applyFilters(ctx, caller.actorId, "home", await renderStatuses(ctx, entries));
  });
}
