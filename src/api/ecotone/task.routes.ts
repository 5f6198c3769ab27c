// /api/ecotone/v1: task boards — open, edit, assign (with the assignee's
// consent across instances), move, delete, comment, history, my tasks.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  assignTask,
  commentOnTask,
  deleteTask,
  editTask,
  getTask,
  getTaskBoard,
  myTasks,
  respondToAssignment,
  setTaskStatus,
  setTaskStatuses,
  taskComments,
  unassignTask,
} from "../../services/task.service.ts";
import { parseExternalRef } from "../../services/external-ref.service.ts";
import { createLinkedTask, getLinkedTask, tasksByExternalRef } from "../../services/task-link.service.ts";
import { requireCaller } from "./guard.ts";
import { body, bodyText as text, viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

function list(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw validationFailed(`"${field}" must be a list of strings`, { field });
  return value as string[];
}

function version(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw validationFailed('"version" must be a positive integer', { field: "version" });
  return n;
}

/** The editable fields of a task, as the body names them. */
function fields(b: Record<string, unknown>) {
  return {
    title: text(b.title, "title"),
    description: text(b.description, "description"),
    priority: text(b.priority, "priority"),
    due: b.due === null ? null : text(b.due, "due"),
    labels: list(b.labels, "labels"),
    dependsOn: list(b.dependsOn, "dependsOn"),
  };
}

export function registerTaskRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Params: { group: string }; Querystring: { status?: string } }>(`${BASE}/groups/:group/tasks`, async (request) =>
    getTaskBoard(ctx, request.params.group, await viewerId(ctx, request), { status: request.query.status }),
  );

  fastify.put<{ Params: { group: string } }>(`${BASE}/groups/:group/tasks/statuses`, async (request) => {
    const caller = requireCaller(request, "write:groups");
    return { statuses: await setTaskStatuses(ctx, caller.username, request.params.group, body<Record<string, unknown>>(request).statuses) };
  });

  fastify.post<{ Params: { group: string } }>(`${BASE}/groups/:group/tasks`, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    const externalRef = parseExternalRef(b.externalRef);
    const task = await createLinkedTask(
      ctx,
      caller.username,
      request.params.group,
      { ...fields(b), title: text(b.title, "title", true)!, assignees: list(b.assignees, "assignees") },
      externalRef,
    );
    return reply.code(201).send(task);
  });

  fastify.get<{ Querystring: { externalRef?: string } }>(`${BASE}/tasks`, async (request) => {
    const lookup = request.query.externalRef;
    if (!lookup) throw validationFailed('Look a task up by ?externalRef=system:id (your own tasks: GET /me/tasks)', { field: "externalRef" });
    return { items: await tasksByExternalRef(ctx, lookup, await viewerId(ctx, request)) };
  });

  fastify.get<{ Params: { id: string } }>(`${BASE}/tasks/:id`, async (request) => getLinkedTask(ctx, request.params.id, await viewerId(ctx, request)));

  fastify.patch<{ Params: { id: string } }>(`${BASE}/tasks/:id`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    return editTask(ctx, caller.username, request.params.id, version(b.version), fields(b));
  });

  fastify.delete<{ Params: { id: string } }>(`${BASE}/tasks/:id`, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    await deleteTask(ctx, caller.username, request.params.id);
    return reply.code(204).send();
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/tasks/:id/status`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    const b = body<Record<string, unknown>>(request);
    return setTaskStatus(ctx, caller.username, request.params.id, text(b.status, "status", true)!, version(b.version));
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/tasks/:id/assignees`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return assignTask(ctx, caller.username, request.params.id, text(body<Record<string, unknown>>(request).assignee, "assignee", true)!);
  });

  fastify.delete<{ Params: { id: string } }>(`${BASE}/tasks/:id/assignees`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return unassignTask(ctx, caller.username, request.params.id, text(body<Record<string, unknown>>(request).assignee, "assignee", true)!);
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/tasks/:id/assignment/accept`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return respondToAssignment(ctx, caller.username, request.params.id, true);
  });

  fastify.post<{ Params: { id: string } }>(`${BASE}/tasks/:id/assignment/decline`, async (request) => {
    const caller = requireCaller(request, "write:statuses");
    return respondToAssignment(ctx, caller.username, request.params.id, false);
  });

  fastify.get<{ Params: { id: string } }>(`${BASE}/tasks/:id/history`, async (request) => ({
    items: (await getTask(ctx, request.params.id, await viewerId(ctx, request))).history,
  }));

  fastify.get<{ Params: { id: string } }>(`${BASE}/tasks/:id/comments`, async (request) => ({
    items: await taskComments(ctx, request.params.id, await viewerId(ctx, request)),
  }));

  fastify.post<{ Params: { id: string } }>(`${BASE}/tasks/:id/comments`, async (request, reply) => {
    const caller = requireCaller(request, "write:statuses");
    const comment = await commentOnTask(ctx, caller.username, request.params.id, text(body<Record<string, unknown>>(request).content, "content", true)!);
    return reply.code(201).send(comment);
  });

  fastify.get<{ Querystring: { status?: string; due_before?: string; overdue?: string } }>(`${BASE}/me/tasks`, async (request) => {
    const caller = requireCaller(request, "read:statuses");
    return {
      items: await myTasks(ctx, caller.username, {
        status: request.query.status,
        dueBefore: request.query.due_before,
        overdue: request.query.overdue === "true",
      }),
    };
  });
}
