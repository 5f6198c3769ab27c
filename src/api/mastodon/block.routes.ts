// Mutes, blocks, domain blocks and removing a follower — each answering the
// Relationship (or list) Mastodon answers.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import {
  blockAccount,
  blockDomain,
  blockedAccounts,
  blockedDomains,
  mutedAccounts,
  muteAccount,
  unblockAccount,
  unblockDomain,
  unmuteAccount,
} from "../../services/accounts/block.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { removeFollower } from "../../services/accounts/follow.service.ts";
import { requireUser } from "./guard.ts";
import { pagedList } from "./pagination.ts";
import { bodyOf, flag, queryOf } from "./params.ts";
import { renderRelationship } from "./relationship.render.ts";
import { renderAccounts } from "./render.ts";

type IdParams = { Params: { id: string } };

export function registerMastodonBlockRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post<IdParams>("/api/v1/accounts/:id/mute", async (request) => {
    const caller = await requireUser(ctx, request, "write:mutes");
    const body = bodyOf(request);
    const duration = body.duration === undefined || body.duration === "" ? undefined : Number(body.duration);
    if (duration !== undefined && !Number.isInteger(duration)) throw validationFailed("duration must be a whole number of seconds (0 = forever)");
    await muteAccount(ctx, caller.actorId, request.params.id, { notifications: flag(body.notifications, true), durationSeconds: duration });
    return renderRelationship(ctx, caller.actorId, request.params.id);
  });

  fastify.post<IdParams>("/api/v1/accounts/:id/unmute", async (request) => {
    const caller = await requireUser(ctx, request, "write:mutes");
    await unmuteAccount(ctx, caller.actorId, request.params.id);
    return renderRelationship(ctx, caller.actorId, request.params.id);
  });

  fastify.post<IdParams>("/api/v1/accounts/:id/block", async (request) => {
    const caller = await requireUser(ctx, request, "write:blocks");
    await blockAccount(ctx, caller, request.params.id);
    return renderRelationship(ctx, caller.actorId, request.params.id);
  });

  fastify.post<IdParams>("/api/v1/accounts/:id/unblock", async (request) => {
    const caller = await requireUser(ctx, request, "write:blocks");
    await unblockAccount(ctx, caller.actorId, request.params.id);
    return renderRelationship(ctx, caller.actorId, request.params.id);
  });

  fastify.post<IdParams>("/api/v1/accounts/:id/remove_from_followers", async (request) => {
    const caller = await requireUser(ctx, request, "write:follows");
    await removeFollower(ctx, caller.actorId, request.params.id);
    return renderRelationship(ctx, caller.actorId, request.params.id);
  });

  for (const [path, scope, list] of [
    ["/api/v1/mutes", "read:mutes", mutedAccounts],
    ["/api/v1/blocks", "read:blocks", blockedAccounts],
  ] as const) {
    fastify.get(path, async (request, reply) => {
      const caller = await requireUser(ctx, request, scope);
      return pagedList(
        request,
        reply,
        ctx.origin,
        { default: 40, max: 80 },
        (page) => list(ctx, caller.actorId, page),
        (r) => r.rowId,
        (rows) =>
          renderAccounts(
            ctx,
            rows.map((r) => r.actor),
          ),
      );
    });
  }

  fastify.get("/api/v1/domain_blocks", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:blocks");
    return pagedList(
      request,
      reply,
      ctx.origin,
      { default: 100, max: 200 },
      (page) => blockedDomains(ctx, caller.actorId, page),
      (r) => r.id,
      (rows) => rows.map((r) => r.domain),
    );
  });

  // Apps send `domain` in the body or, for DELETE, often in the query.
  const domainOf = (request: Parameters<typeof bodyOf>[0]) => bodyOf(request).domain ?? queryOf(request).domain;

  fastify.post("/api/v1/domain_blocks", async (request) => {
    const caller = await requireUser(ctx, request, "write:blocks");
    await blockDomain(ctx, caller.actorId, domainOf(request));
    return {};
  });

  fastify.delete("/api/v1/domain_blocks", async (request) => {
    const caller = await requireUser(ctx, request, "write:blocks");
    await unblockDomain(ctx, caller.actorId, domainOf(request));
    return {};
  });
}
