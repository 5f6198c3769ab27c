// /api/ecotone/v1/groups: create, look up, list, membership and moderation.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
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
  listMembers,
  rejectJoinRequest,
  setMemberRole,
  unbanFromGroup,
} from "../../services/group.service.ts";
import { groupTimeline } from "../../services/post.service.ts";
import { requireCaller } from "./guard.ts";
import { body, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1/groups";

function str(value: unknown, field: string, required = false): string | undefined {
  if (value === undefined || value === null || value === "") {
    if (required) throw validationFailed(`"${field}" is required`, { field });
    return undefined;
  }
  if (typeof value !== "string") throw validationFailed(`"${field}" must be a string`, { field });
  return value;
}

type GroupParams = { Params: { group: string } };

export function registerGroupRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.post(BASE, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    const b = body<Record<string, unknown>>(request);
    const group = await createGroup(ctx, caller.username, {
      slug: str(b.slug, "slug", true)!,
      name: str(b.name, "name"),
      summary: str(b.summary, "summary"),
      visibility: str(b.visibility, "visibility"),
      joinPolicy: str(b.joinPolicy, "joinPolicy"),
    });
    return reply.code(201).send(group);
  });

  fastify.get(BASE, async (request) => ({ items: await listGroups(ctx, await viewerId(ctx, request)) }));

  // `:group` is an id, a local name, `@name@host` or a URL (URL-encoded).
  fastify.get<GroupParams>(`${BASE}/:group`, async (request) => getGroup(ctx, request.params.group, await viewerId(ctx, request)));

  fastify.get<GroupParams & { Querystring: { cursor?: string } }>(`${BASE}/:group/posts`, async (request) =>
    groupTimeline(ctx, request.params.group, await viewerId(ctx, request), request.query.cursor ?? null),
  );

  fastify.get<GroupParams & { Querystring: { state?: string } }>(`${BASE}/:group/members`, async (request) => ({
    items: await listMembers(
      ctx,
      request.params.group,
      await viewerId(ctx, request),
      request.query.state === "pending" ? "pending" : "accepted",
    ),
  }));

  fastify.post<GroupParams>(`${BASE}/:group/join`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    const result = await joinGroup(ctx, caller.username, request.params.group);
    return reply.code(result.state === "accepted" ? 200 : 202).send(result);
  });

  fastify.post<GroupParams>(`${BASE}/:group/leave`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    await leaveGroup(ctx, caller.username, request.params.group);
    return reply.code(204).send();
  });

  fastify.post<GroupParams & { Params: { request: string } }>(`${BASE}/:group/requests/:request/approve`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    await approveJoinRequest(ctx, caller.username, request.params.group, request.params.request);
    return reply.code(204).send();
  });

  fastify.post<GroupParams & { Params: { request: string } }>(`${BASE}/:group/requests/:request/reject`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    await rejectJoinRequest(ctx, caller.username, request.params.group, request.params.request);
    return reply.code(204).send();
  });

  fastify.post<GroupParams>(`${BASE}/:group/invites`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    await inviteToGroup(ctx, caller.username, request.params.group, str(body<{ target: string }>(request).target, "target", true)!);
    return reply.code(204).send();
  });

  fastify.post<GroupParams>(`${BASE}/:group/bans`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    const b = body<{ target: string; reason: string }>(request);
    await banFromGroup(ctx, caller.username, request.params.group, str(b.target, "target", true)!, str(b.reason, "reason"));
    return reply.code(204).send();
  });

  fastify.delete<GroupParams>(`${BASE}/:group/bans`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    await unbanFromGroup(ctx, caller.username, request.params.group, str(body<{ target: string }>(request).target, "target", true)!);
    return reply.code(204).send();
  });

  fastify.post<GroupParams>(`${BASE}/:group/roles`, async (request, reply) => {
    const caller = requireCaller(request, "write:groups");
    const b = body<{ target: string; role: string }>(request);
    await setMemberRole(ctx, caller.username, request.params.group, str(b.target, "target", true)!, str(b.role, "role", true)!);
    return reply.code(204).send();
  });
}
