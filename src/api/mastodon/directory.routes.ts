// Familiar followers, the profile directory, instance peers and the unread
// notification count.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getDirectory, getFamiliarFollowers, getKnownPeers, unreadNotificationCount } from "../../services/organizations/directory.service.ts";
import { requireUser } from "./guard.ts";
import { Type } from "@fastify/type-provider-typebox";
import { Count, IdList, Text, typed } from "./mastodon.schema.ts";
import { renderAccounts } from "./render.ts";

const FamiliarQuery = Type.Object({ id: IdList });
// The directory lists this instance's people only, so `local` changes nothing.
const DirectoryQuery = Type.Object({ order: Text(16), limit: Count, offset: Count });

export function registerMastodonDirectoryRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).get("/api/v1/accounts/familiar_followers", { schema: { querystring: FamiliarQuery } }, async (request) => {
    const caller = await requireUser(ctx, request, "read:follows");
    const found = await getFamiliarFollowers(ctx, caller.actorId, request.query.id ?? []);
    return Promise.all(found.map(async (f) => ({ id: f.id, accounts: await renderAccounts(ctx, f.accounts) })));
  });

  // Mastodon serves these two to anyone; here they need a signed-in user: a company's
  // staff list and the companies it talks to are not for strangers.
  typed(fastify).get("/api/v1/directory", { schema: { querystring: DirectoryQuery } }, async (request) => {
    await requireUser(ctx, request, "read:accounts");
    const q = request.query;
    return renderAccounts(ctx, await getDirectory(ctx, { order: q.order, limit: q.limit, offset: q.offset }));
  });

  fastify.get("/api/v1/instance/peers", async (request) => {
    await requireUser(ctx, request, "read");
    return getKnownPeers(ctx);
  });

  fastify.get("/api/v1/notifications/unread_count", async (request) => {
    const caller = await requireUser(ctx, request, "read:notifications");
    return { count: await unreadNotificationCount(ctx, caller.actorId) };
  });
}
