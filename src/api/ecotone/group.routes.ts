// /api/ecotone/v1/groups: create, look up, list, membership and moderation.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import {
  approveJoinRequest,
  banFromGroup,
  createGroup,
  getGroup,
  inviteToGroup,
  joinGroup,
  leaveGroup,
  listGroups,
  rejectJoinRequest,
  setMemberRole,
  unbanFromGroup,
} from "../../services/groups/group.service.ts";
import { listMembers } from "../../services/groups/member-list.service.ts";
import { groupTimeline } from "../../services/posts/post.service.ts";
import { signedIn } from "./guard.ts";
import { CursorQuery, GroupParams, OptionalText, orUndefined, RequiredText, route, TargetBody, Type, typed } from "./schema.ts";
import { viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1/groups";

const CreateGroupBody = Type.Object({
  slug: RequiredText({ maxLength: 64 }),
  name: OptionalText(),
  summary: OptionalText(),
  // The service names the allowed values in its error (domain/group.rules.ts keeps the list).
  visibility: OptionalText(),
  joinPolicy: OptionalText(),
});
const RequestParams = Type.Object({ group: Type.String(), request: Type.String() });
const BanBody = Type.Object({ target: RequiredText({ maxLength: 2048 }), reason: OptionalText() });
const RoleBody = Type.Object({ target: RequiredText({ maxLength: 2048 }), role: RequiredText() });

export function registerGroupRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.post(
    BASE,
    route('Create a group: {"slug", "name"?, "summary"?, "visibility"?: public|members_only|secret, "joinPolicy"?: open|approval|invite}', "write:groups", {
      body: CreateGroupBody,
    }),
    async (request, reply) => {
      const b = request.body;
      const group = await createGroup(ctx, signedIn(request).username, {
        slug: b.slug,
        name: orUndefined(b.name),
        summary: orUndefined(b.summary),
        visibility: orUndefined(b.visibility),
        joinPolicy: orUndefined(b.joinPolicy),
      });
      return reply.code(201).send(group);
    },
  );

  app.get(BASE, route("Listed groups here, and remote groups the viewer belongs to", null), async (request) => ({
    items: await listGroups(ctx, await viewerId(ctx, request, "read:accounts")),
  }));

  app.get(
    `${BASE}/:group`,
    route("A group by id, local name, @name@host or URL (URL-encoded), with the viewer's membership", null, { params: GroupParams }),
    async (request) => getGroup(ctx, request.params.group, await viewerId(ctx, request, "read:accounts")),
  );

  app.get(
    `${BASE}/:group/posts`,
    route("The group's timeline (its posts and posts shared into it), paged by ?cursor=", null, { params: GroupParams, querystring: CursorQuery }),
    async (request) => groupTimeline(ctx, request.params.group, await viewerId(ctx, request), request.query.cursor ?? null),
  );

  app.get(
    `${BASE}/:group/members`,
    route("Members (?state=pending: join requests, for moderators)", null, {
      params: GroupParams,
      querystring: Type.Object({ state: Type.Optional(Type.String()) }),
    }),
    async (request) => ({
      items: await listMembers(
        ctx,
        request.params.group,
        await viewerId(ctx, request, "read:accounts"),
        request.query.state === "pending" ? "pending" : "accepted",
      ),
    }),
  );

  app.post(
    `${BASE}/:group/join`,
    route("Join (or ask to join) a group here or on another instance", "write:groups", { params: GroupParams }),
    async (request, reply) => {
      const result = await joinGroup(ctx, signedIn(request).username, request.params.group);
      return reply.code(result.state === "accepted" ? 200 : 202).send(result);
    },
  );

  app.post(`${BASE}/:group/leave`, route("Leave a group", "write:groups", { params: GroupParams }), async (request, reply) => {
    await leaveGroup(ctx, signedIn(request).username, request.params.group);
    return reply.code(204).send();
  });

  app.post(
    `${BASE}/:group/requests/:request/approve`,
    route("Approve a join request (moderators)", "write:groups", { params: RequestParams }),
    async (request, reply) => {
      await approveJoinRequest(ctx, signedIn(request).username, request.params.group, request.params.request);
      return reply.code(204).send();
    },
  );

  app.post(
    `${BASE}/:group/requests/:request/reject`,
    route("Reject a join request (moderators)", "write:groups", { params: RequestParams }),
    async (request, reply) => {
      await rejectJoinRequest(ctx, signedIn(request).username, request.params.group, request.params.request);
      return reply.code(204).send();
    },
  );

  app.post(
    `${BASE}/:group/invites`,
    route('Invite an account: {"target"} (moderators)', "write:groups", { params: GroupParams, body: TargetBody }),
    async (request, reply) => {
      await inviteToGroup(ctx, signedIn(request).username, request.params.group, request.body.target);
      return reply.code(204).send();
    },
  );

  app.post(
    `${BASE}/:group/bans`,
    route('Ban a member: {"target", "reason"?} (moderators)', "write:groups", { params: GroupParams, body: BanBody }),
    async (request, reply) => {
      await banFromGroup(ctx, signedIn(request).username, request.params.group, request.body.target, orUndefined(request.body.reason));
      return reply.code(204).send();
    },
  );

  app.delete(
    `${BASE}/:group/bans`,
    route('Lift a ban: {"target"} (moderators)', "write:groups", { params: GroupParams, body: TargetBody }),
    async (request, reply) => {
      await unbanFromGroup(ctx, signedIn(request).username, request.params.group, request.body.target);
      return reply.code(204).send();
    },
  );

  app.post(
    `${BASE}/:group/roles`,
    route('Set a member\'s role: {"target", "role": owner|moderator|member}', "write:groups", { params: GroupParams, body: RoleBody }),
    async (request, reply) => {
      await setMemberRole(ctx, signedIn(request).username, request.params.group, request.body.target, request.body.role);
      return reply.code(204).send();
    },
  );
}
