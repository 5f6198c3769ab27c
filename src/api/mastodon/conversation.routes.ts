// Conversations (docs.joinmastodon.org/methods/conversations): the direct
// threads the account takes part in, each with its newest direct message.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { deleteConversation, getConversations, readConversation, type ConversationView } from "../../services/posts/conversation.service.ts";
import { requireUser } from "./guard.ts";
import { pageBounds, setLinkHeader } from "./pagination.ts";
import { renderAccounts, renderStatuses } from "./render.ts";

type IdParams = { Params: { id: string } };

async function renderConversations(ctx: ServiceContext, views: ConversationView[]) {
  const statuses = await renderStatuses(
    ctx,
    views.map((v) => v.lastStatus),
  );
  const people = new Map((await renderAccounts(ctx, [...new Map(views.flatMap((v) => v.accounts).map((a) => [a.id, a])).values()])).map((a) => [a.id, a]));
  return views.map((v, i) => ({ id: v.id, unread: v.unread, accounts: v.accounts.map((a) => people.get(a.id)!), last_status: statuses[i]! }));
}

export function registerMastodonConversationRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v1/conversations", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:statuses");
    const { items, pageIds } = await getConversations(ctx, caller.actorId, pageBounds(request));
    setLinkHeader(request, reply, ctx.origin, pageIds);
    return renderConversations(ctx, items);
  });

  fastify.post<IdParams>("/api/v1/conversations/:id/read", async (request) => {
    const caller = await requireUser(ctx, request, "write:conversations");
    const [rendered] = await renderConversations(ctx, [await readConversation(ctx, caller.actorId, request.params.id)]);
    return rendered;
  });

  fastify.delete<IdParams>("/api/v1/conversations/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:conversations");
    await deleteConversation(ctx, caller.actorId, request.params.id);
    return {};
  });
}
