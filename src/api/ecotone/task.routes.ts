// /api/ecotone/v1: task boards — open, edit, assign (with the assignee's
// consent across instances), move, delete, comment, history, my tasks.
// A change to a task whose group lives on another instance answers 202 with
// the pending change; GET /task-changes/{id} shows what the home answered.
import type { FastifyInstance, FastifyReply } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { parseExternalRef } from "../../services/apps/external-ref.service.ts";
import { getTaskChange, isPendingChange, type PendingTaskChange } from "../../services/tasks/task-change.service.ts";
import { createLinkedTask, getLinkedTask, tasksByExternalRef } from "../../services/tasks/task-link.service.ts";
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
} from "../../services/tasks/task.service.ts";
import { signedIn } from "./guard.ts";
import { GroupParams, IdParams, OptionalText, RequiredText, route, Type, typed } from "./schema.ts";
import { viewerId } from "./viewer.ts";

const BASE = "/api/ecotone/v1";

const Strings = Type.Optional(Type.Array(Type.String()));
/** The version you read; null or absent: no check. */
const Version = Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]));
const ExternalRefBody = Type.Optional(Type.Union([Type.Object({ system: Type.String(), id: Type.String(), url: OptionalText() }), Type.Null()]));

const Editable = {
  title: OptionalText(),
  description: OptionalText(),
  priority: OptionalText(),
  due: OptionalText(),
  labels: Strings,
  dependsOn: Strings,
};
const CreateBody = Type.Object({ ...Editable, title: RequiredText(), assignees: Strings, externalRef: ExternalRefBody });
const EditBody = Type.Object({ ...Editable, version: Version });
const StatusBody = Type.Object({ status: RequiredText(), version: Version });
const AssigneeBody = Type.Object({ assignee: RequiredText({ maxLength: 2048 }) });
const CommentBody = Type.Object({ content: RequiredText() });
const StatusesBody = Type.Object({
  statuses: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), closed: Type.Optional(Type.Boolean()) })),
});

/** An empty text field leaves the value as it is, as it always has. */
const given = (value: string | null | undefined): string | undefined => (value === null || value === "" ? undefined : value);

/** The editable fields of a task, as the body names them (due: null clears it). */
function fields(b: {
  title?: string | null;
  description?: string | null;
  priority?: string | null;
  due?: string | null;
  labels?: string[];
  dependsOn?: string[];
}) {
  return {
    title: given(b.title),
    description: given(b.description),
    priority: given(b.priority),
    due: b.due === null ? null : given(b.due),
    labels: b.labels,
    dependsOn: b.dependsOn,
  };
}

/** 202 with the change when another instance's home decides; the task as it now is otherwise. */
function answer<T extends object>(reply: FastifyReply, outcome: T | PendingTaskChange, status = 200) {
  if (isPendingChange(outcome)) return reply.code(202).send({ change: outcome.pendingChange });
  return reply.code(status).send(outcome);
}

export function registerTaskRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.get(
    `${BASE}/groups/:group/tasks`,
    route("The group's task board: its statuses and tasks (?status= to filter)", null, {
      params: GroupParams,
      querystring: Type.Object({ status: Type.Optional(Type.String()) }),
    }),
    async (request) => getTaskBoard(ctx, request.params.group, await viewerId(ctx, request), { status: request.query.status }),
  );

  app.put(
    `${BASE}/groups/:group/tasks/statuses`,
    route('Rename or add a board\'s statuses: {"statuses": [{"key", "label", "closed"}]} (moderators, at the group\'s home)', "write:groups", {
      params: GroupParams,
      body: StatusesBody,
    }),
    async (request) => ({ statuses: await setTaskStatuses(ctx, signedIn(request).username, request.params.group, request.body.statuses) }),
  );

  app.post(
    `${BASE}/groups/:group/tasks`,
    route(
      'Open a task: {"title", "description"?, "priority"?: low|normal|high|urgent, "due"?: YYYY-MM-DD, "labels"?, "dependsOn"?, "assignees"?, "externalRef"?: {"system", "id", "url"?}}; 201 with the task, or 202 with the change when the group lives on another instance',
      "write:statuses",
      { params: GroupParams, body: CreateBody },
    ),
    async (request, reply) => {
      const b = request.body;
      const task = await createLinkedTask(
        ctx,
        signedIn(request).username,
        request.params.group,
        { ...fields(b), title: b.title, assignees: b.assignees },
        parseExternalRef(b.externalRef),
      );
      return answer(reply, task, 201);
    },
  );

  app.get(
    `${BASE}/tasks`,
    route("Find a task by its external reference: ?externalRef=system:id", null, {
      querystring: Type.Object({ externalRef: Type.Optional(Type.String()) }),
    }),
    async (request) => {
      const lookup = request.query.externalRef;
      if (!lookup) throw validationFailed("Look a task up by ?externalRef=system:id (your own tasks: GET /me/tasks)", { field: "externalRef" });
      return { items: await tasksByExternalRef(ctx, lookup, await viewerId(ctx, request)) };
    },
  );

  app.get(`${BASE}/tasks/:id`, route("A task, with assignees, version and history", null, { params: IdParams }), async (request) =>
    getLinkedTask(ctx, request.params.id, await viewerId(ctx, request)),
  );

  app.patch(
    `${BASE}/tasks/:id`,
    route(
      'Edit a task: {"version" (the one you read), "title"?, "description"?, "priority"?, "due"?, "labels"?, "dependsOn"?}; 409 when it changed since',
      "write:statuses",
      {
        params: IdParams,
        body: EditBody,
      },
    ),
    async (request, reply) =>
      answer(reply, await editTask(ctx, signedIn(request).username, request.params.id, request.body.version ?? undefined, fields(request.body))),
  );

  app.delete(`${BASE}/tasks/:id`, route("Delete a task (moderators)", "write:statuses", { params: IdParams }), async (request, reply) => {
    const pending = await deleteTask(ctx, signedIn(request).username, request.params.id);
    if (pending) return reply.code(202).send({ change: pending.pendingChange });
    return reply.code(204).send();
  });

  app.post(
    `${BASE}/tasks/:id/status`,
    route('Move a task: {"status", "version"?} (assignees and moderators)', "write:statuses", { params: IdParams, body: StatusBody }),
    async (request, reply) =>
      answer(reply, await setTaskStatus(ctx, signedIn(request).username, request.params.id, request.body.status, request.body.version ?? undefined)),
  );

  app.post(
    `${BASE}/tasks/:id/assignees`,
    route('Assign someone: {"assignee": "@name@host"}; someone on another instance must accept first', "write:statuses", {
      params: IdParams,
      body: AssigneeBody,
    }),
    async (request, reply) => answer(reply, await assignTask(ctx, signedIn(request).username, request.params.id, request.body.assignee)),
  );

  app.delete(
    `${BASE}/tasks/:id/assignees`,
    route('Remove an assignee: {"assignee"}', "write:statuses", { params: IdParams, body: AssigneeBody }),
    async (request, reply) => answer(reply, await unassignTask(ctx, signedIn(request).username, request.params.id, request.body.assignee)),
  );

  app.post(
    `${BASE}/tasks/:id/assignment/accept`,
    route("Accept the assignment waiting for your consent", "write:statuses", { params: IdParams }),
    async (request, reply) => answer(reply, await respondToAssignment(ctx, signedIn(request).username, request.params.id, true)),
  );

  app.post(
    `${BASE}/tasks/:id/assignment/decline`,
    route("Decline the assignment waiting for your consent", "write:statuses", { params: IdParams }),
    async (request, reply) => answer(reply, await respondToAssignment(ctx, signedIn(request).username, request.params.id, false)),
  );

  app.get(
    `${BASE}/task-changes/:id`,
    route("One of your changes to a task of another instance's group: pending, accepted (with the task) or refused (with the home's reason)", "read:statuses", {
      params: IdParams,
    }),
    async (request) => ({ change: await getTaskChange(ctx, signedIn(request).username, request.params.id) }),
  );

  app.get(`${BASE}/tasks/:id/history`, route("Who changed what on a task, and when", null, { params: IdParams }), async (request) => ({
    items: (await getTask(ctx, request.params.id, await viewerId(ctx, request))).history,
  }));

  app.get(`${BASE}/tasks/:id/comments`, route("Comments on a task (replies to its companion note)", null, { params: IdParams }), async (request) => ({
    items: await taskComments(ctx, request.params.id, await viewerId(ctx, request)),
  }));

  app.post(
    `${BASE}/tasks/:id/comments`,
    route('Comment on a task: {"content"}', "write:statuses", { params: IdParams, body: CommentBody }),
    async (request, reply) => reply.code(201).send(await commentOnTask(ctx, signedIn(request).username, request.params.id, request.body.content)),
  );

  app.get(
    `${BASE}/me/tasks`,
    route("Tasks assigned to me across groups and instances (?status=, ?due_before=YYYY-MM-DD, ?overdue=true)", "read:statuses", {
      querystring: Type.Object({
        status: Type.Optional(Type.String()),
        due_before: Type.Optional(Type.String()),
        overdue: Type.Optional(Type.String()),
      }),
    }),
    async (request) => ({
      items: await myTasks(ctx, signedIn(request).username, {
        status: request.query.status,
        dueBefore: request.query.due_before,
        overdue: request.query.overdue === "true",
      }),
    }),
  );
}
