// /api/ecotone/v1: who am I, profiles, follows and follow requests.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ActorRow } from "../../db/schema.ts";
import { assertCanSeeActor, viewerOf, visibleInMemberLists } from "../../services/visibility.service.ts";
import { viewerId } from "./viewer.ts";
import { validationFailed } from "../../domain/errors.ts";
import { requireLocalUserActor, resolveActor, toActorView } from "../../services/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  acceptFollowRequest,
  followActor,
  followCounts,
  listFollowers,
  listFollowing,
  listFollowRequests,
  rejectFollowRequest,
  unfollowActor,
} from "../../services/follow.service.ts";
import { requireCaller } from "./guard.ts";

const BASE = "/api/ecotone/v1";

function pageOf(page: { items: Array<{ followId: string; state: string; actor: Parameters<typeof toActorView>[0] }>; nextCursor: string | null }) {
  return {
    items: page.items.map((f) => ({ followId: f.followId, state: f.state, actor: toActorView(f.actor) })),
    nextCursor: page.nextCursor,
  };
}

/** A follow list as this viewer may see it: memberships of groups whose member list they may not read are left out. */
async function shownFollows<T extends { items: Array<{ actor: ActorRow }> }>(ctx: ServiceContext, request: FastifyRequest, page: T): Promise<T> {
  const viewer = viewerOf(await viewerId(ctx, request));
  return { ...page, items: await visibleInMemberLists(ctx, viewer, page.items, (f) => f.actor) };
}

function targetOf(body: unknown): string {
  const target = (body as { target?: unknown } | null)?.target;
  if (typeof target !== "string" || target.trim() === "") {
    throw validationFailed('Send {"target": "@name@example.com"} (a handle or an actor URL)');
  }
  return target.trim();
}

export function registerAccountRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get(`${BASE}/me`, async (request) => {
    const caller = requireCaller(request, "read:accounts");
    const actor = await requireLocalUserActor(ctx, caller.username);
    return { ...toActorView(actor), role: caller.role, ...(await followCounts(ctx, actor.id)) };
  });

  fastify.get<{ Querystring: { handle?: string } }>(`${BASE}/actors/lookup`, async (request) => {
    requireCaller(request, "read:accounts");
    const handle = request.query.handle;
    if (!handle) throw validationFailed("Pass ?handle=@name@example.com");
    const actor = await resolveActor(ctx, handle);
    return toActorView(await assertCanSeeActor(ctx, viewerOf(await viewerId(ctx, request)), actor, `No actor ${handle}`));
  });

  fastify.post(`${BASE}/follows`, async (request, reply) => {
    const caller = requireCaller(request, "write:follows");
    const follow = await followActor(ctx, caller.username, targetOf(request.body));
    return reply.code(follow.state === "accepted" ? 200 : 202).send(follow);
  });

  fastify.delete(`${BASE}/follows`, async (request, reply) => {
    const caller = requireCaller(request, "write:follows");
    await unfollowActor(ctx, caller.username, targetOf(request.body));
    return reply.code(204).send();
  });

  fastify.get<{ Params: { username: string }; Querystring: { cursor?: string } }>(
    `${BASE}/users/:username/followers`,
    async (request) => pageOf(await shownFollows(ctx, request, await listFollowers(ctx, request.params.username, request.query.cursor ?? null))),
  );

  fastify.get<{ Params: { username: string }; Querystring: { cursor?: string } }>(
    `${BASE}/users/:username/following`,
    async (request) => pageOf(await shownFollows(ctx, request, await listFollowing(ctx, request.params.username, request.query.cursor ?? null))),
  );

  fastify.get(`${BASE}/follow-requests`, async (request) => {
    const caller = requireCaller(request, "read:follows");
    return pageOf(await listFollowRequests(ctx, caller.username));
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/follow-requests/:id/accept`, async (request, reply) => {
    const caller = requireCaller(request, "write:follows");
    await acceptFollowRequest(ctx, caller.username, request.params.id);
    return reply.code(204).send();
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/follow-requests/:id/reject`, async (request, reply) => {
    const caller = requireCaller(request, "write:follows");
    await rejectFollowRequest(ctx, caller.username, request.params.id);
    return reply.code(204).send();
  });
}
