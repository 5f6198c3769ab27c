// Mutes, blocks, domain blocks and removing a follower — each answering the
// Relationship (or list) Mastodon answers.
import type { FastifyInstance } from "fastify";
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
import { Type } from "@fastify/type-provider-typebox";
import { Flag, IdPath, Text, typed } from "./mastodon.schema.ts";
import { renderRelationship } from "./relationship.render.ts";
import { renderAccounts } from "./render.ts";

type IdParams = { Params: { id: string } };

const MuteBody = Type.Object({
  notifications: Flag,
  duration: Type.Optional(Type.Integer({ minimum: 0, description: "seconds; 0 = forever" })),
});
/** `domain` in the body or, for DELETE, often in the query. */
const DomainInput = Type.Object({ domain: Text(253) });

export function registerMastodonBlockRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).post("/api/v1/accounts/:id/mute", { schema: { params: IdPath, body: MuteBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:mutes");
    const body = request.body;
    await muteAccount(ctx, caller.actorId, request.params.id, { notifications: body.notifications ?? true, durationSeconds: body.duration });
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

  const domains = { schema: { body: DomainInput, querystring: DomainInput } };
  const domainOf = (request: { body: { domain?: string }; query: { domain?: string } }) => request.body.domain ?? request.query.domain;

  typed(fastify).post("/api/v1/domain_blocks", domains, async (request) => {
    const caller = await requireUser(ctx, request, "write:blocks");
    await blockDomain(ctx, caller.actorId, domainOf(request));
    return {};
  });

  typed(fastify).delete("/api/v1/domain_blocks", domains, async (request) => {
    const caller = await requireUser(ctx, request, "write:blocks");
    await unblockDomain(ctx, caller.actorId, domainOf(request));
    return {};
  });
}
