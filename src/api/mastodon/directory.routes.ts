// Familiar followers, the profile directory, instance peers and the unread
// notification count.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getDirectory, getFamiliarFollowers, getKnownPeers, unreadNotificationCount } from "../../services/organizations/directory.service.ts";
import { requireUser } from "./guard.ts";
import { idList, queryOf } from "./params.ts";
import { renderAccounts } from "./render.ts";

const num = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);

export function registerMastodonDirectoryRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v1/accounts/familiar_followers", async (request) => {
    const caller = await requireUser(ctx, request, "read:follows");
    const q = queryOf(request);
    const ids = idList(
      [q["id[]"], q.id].flat().filter((v) => v !== undefined),
      "id",
    );
    const found = await getFamiliarFollowers(ctx, caller.actorId, ids);
    return Promise.all(found.map(async (f) => ({ id: f.id, accounts: await renderAccounts(ctx, f.accounts) })));
  });

  // Mastodon serves these two to anyone; here they need a signed-in user: a company's
  // staff list and the companies it talks to are not for strangers.
  fastify.get("/api/v1/directory", async (request) => {
    await requireUser(ctx, request, "read:accounts");
    const q = queryOf(request);
    // The directory lists this instance's people only, so `local` changes nothing.
    const order = typeof q.order === "string" ? q.order : undefined;
    return renderAccounts(ctx, await getDirectory(ctx, { order, limit: num(q.limit), offset: num(q.offset) }));
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
