// /api/ecotone/v1: who am I, profiles, follows and follow requests.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ActorRow } from "../../db/schema.ts";
import { assertCanSeeActor, viewerOf, visibleInMemberLists } from "../../services/visibility.service.ts";
import { viewerId } from "./viewer.ts";
import { requireLocalUserActor, resolveActor, toActorView } from "../../services/accounts/actor.service.ts";
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
} from "../../services/accounts/follow.service.ts";
import { signedIn } from "./guard.ts";
import { CursorQuery, IdParams, RequiredText, route, TargetBody, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1";
const UserParams = Type.Object({ username: Type.String() });

function pageOf(page: { items: Array<{ followId: string; state: string; actor: Parameters<typeof toActorView>[0] }>; nextCursor: string | null }) {
  return {
    items: page.items.map((f) => ({ followId: f.followId, state: f.state, actor: toActorView(f.actor) })),
    nextCursor: page.nextCursor,
  };
}

/** A follow list as this viewer may see it: memberships of groups whose member list they may not read are left out. */
async function shownFollows<T extends { items: Array<{ actor: ActorRow }> }>(ctx: ServiceContext, request: FastifyRequest, page: T): Promise<T> {
  const viewer = viewerOf(await viewerId(ctx, request, "read:accounts"));
  return { ...page, items: await visibleInMemberLists(ctx, viewer, page.items, (f) => f.actor) };
}

export function registerAccountRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.get(`${BASE}/me`, route("The signed-in account, with follower counts", "read:accounts"), async (request) => {
    const caller = signedIn(request);
    const actor = await requireLocalUserActor(ctx, caller.username);
    return { ...toActorView(actor), role: caller.role, ...(await followCounts(ctx, actor.id)) };
  });

  app.get(
    `${BASE}/actors/lookup`,
    route("Find an account by handle (?handle=@name@host), fetching a remote one", "read:accounts", {
      querystring: Type.Object({ handle: RequiredText({ maxLength: 2048 }) }),
    }),
    async (request) => {
      const actor = await resolveActor(ctx, request.query.handle);
      return toActorView(await assertCanSeeActor(ctx, viewerOf(await viewerId(ctx, request, "read:accounts")), actor, `No actor ${request.query.handle}`));
    },
  );

  app.post(`${BASE}/follows`, route('Follow an account: {"target": "@name@host"}', "write:follows", { body: TargetBody }), async (request, reply) => {
    const follow = await followActor(ctx, signedIn(request).username, request.body.target.trim());
    return reply.code(follow.state === "accepted" ? 200 : 202).send(follow);
  });

  app.delete(`${BASE}/follows`, route('Unfollow: {"target": "@name@host"}', "write:follows", { body: TargetBody }), async (request, reply) => {
    await unfollowActor(ctx, signedIn(request).username, request.body.target.trim());
    return reply.code(204).send();
  });

  app.get(
    `${BASE}/users/:username/followers`,
    route("A local user's followers, paged by ?cursor=", null, { params: UserParams, querystring: CursorQuery }),
    async (request) => pageOf(await shownFollows(ctx, request, await listFollowers(ctx, request.params.username, request.query.cursor ?? null))),
  );

  app.get(
    `${BASE}/users/:username/following`,
    route("Who a local user follows, paged by ?cursor=", null, { params: UserParams, querystring: CursorQuery }),
    async (request) => pageOf(await shownFollows(ctx, request, await listFollowing(ctx, request.params.username, request.query.cursor ?? null))),
  );

  app.get(`${BASE}/follow-requests`, route("Follow requests waiting for the signed-in (locked) account", "read:follows"), async (request) =>
    pageOf(await listFollowRequests(ctx, signedIn(request).username)),
  );

  app.post(`${BASE}/follow-requests/:id/accept`, route("Accept a follow request", "write:follows", { params: IdParams }), async (request, reply) => {
    await acceptFollowRequest(ctx, signedIn(request).username, request.params.id);
    return reply.code(204).send();
  });

  app.post(`${BASE}/follow-requests/:id/reject`, route("Reject a follow request", "write:follows", { params: IdParams }), async (request, reply) => {
    await rejectFollowRequest(ctx, signedIn(request).username, request.params.id);
    return reply.code(204).send();
  });
}
