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
import { Type } from "@fastify/type-provider-typebox";
import { ClearableText, Count, Flag, IdList, IdPath, typed } from "./mastodon.schema.ts";
import { renderAccounts, renderStatuses } from "./render.ts";

type IdParams = { Params: { id: string } };

/** What a title and replies_policy may be is the service's rule. */
const ListBody = Type.Object({ title: ClearableText(256), replies_policy: ClearableText(16), exclusive: Flag });
/** `account_ids` in the body or, for DELETE, often in the query. */
const AccountIds = Type.Object({ account_ids: IdList });
const ListAccountsQuery = Type.Object({ limit: Count });

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

  typed(fastify).post("/api/v1/lists", { schema: { body: ListBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    const body = request.body;
    return toMastodonList(await createList(ctx, caller.actorId, { title: body.title, repliesPolicy: body.replies_policy, exclusive: body.exclusive }));
  });

  typed(fastify).put("/api/v1/lists/:id", { schema: { params: IdPath, body: ListBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    const body = request.body;
    const list = await changeList(ctx, caller.actorId, request.params.id, {
      title: body.title,
      repliesPolicy: body.replies_policy,
      exclusive: body.exclusive,
    });
    return toMastodonList(list);
  });

  fastify.delete<IdParams>("/api/v1/lists/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    await removeList(ctx, caller.actorId, request.params.id);
    return {};
  });

  typed(fastify).get("/api/v1/lists/:id/accounts", { schema: { params: IdPath, querystring: ListAccountsQuery } }, async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:lists");
    const bounds = pageBounds(request, 40, 80);
    // limit=0 means all of them, as on Mastodon.
    const limit = request.query.limit === 0 ? 10_000 : bounds.limit;
    const accounts = await getListAccounts(ctx, caller.actorId, request.params.id, { maxId: bounds.maxId, limit });
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      accounts.map((a) => a.id),
    );
    return renderAccounts(ctx, accounts);
  });

  const members = { schema: { params: IdPath, body: AccountIds, querystring: AccountIds } };
  const accountIds = (request: { body: { account_ids?: string[] }; query: { account_ids?: string[] } }) =>
    request.body.account_ids ?? request.query.account_ids ?? [];

  typed(fastify).post("/api/v1/lists/:id/accounts", members, async (request) => {
    const caller = await requireUser(ctx, request, "write:lists");
    await addToList(ctx, caller.actorId, request.params.id, accountIds(request));
    return {};
  });

  typed(fastify).delete("/api/v1/lists/:id/accounts", members, async (request) => {
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
