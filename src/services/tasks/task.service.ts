// Task boards as people use them: read a board, open, edit, assign, move and
// delete tasks, comment, and list "my tasks". A change to a task of one of
// our groups is applied here (task-home.service.ts); a change to a task of a
// group on another instance is sent to that home and waits for its answer
// (task-change.service.ts), which refreshes our copy.
import { findPostByUri } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { actorsByIds, postsByUris } from "../../db/queries/post.queries.ts";
import { findTaskById, findTaskByUri, listAssignedTasks, listAssignees, listGroupTasks, saveBoardStatuses, type TaskFilter } from "../../db/repos/task.repo.ts";
import type { GroupWithActor } from "../../db/queries/group.queries.ts";
import type { ActorRow, TaskRow } from "../../db/schema.ts";
import { notFound, unavailable, validationFailed } from "../../domain/errors.ts";
import { assertCanModerate, isMember } from "../../domain/group.rules.ts";
import { canSeeGroupContent, groupAnswers, viewerOf } from "../visibility.service.ts";
import type { TaskSnapshot } from "../../domain/task-snapshot.ts";
import { checkDueDate, checkStatuses, isOverdue, type TaskCommand, type TaskFields, type TaskStatusDef } from "../../domain/task.rules.ts";
import { requireLocalUserActor, resolveActor, toActorView, type ActorView } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { findGroup, membershipOf } from "../groups/group.service.ts";
import { resolveGroupAccess, type GroupAccess } from "../groups/group-access.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { applyAtHome, boardStatuses } from "./task-home.service.ts";
import type { ExternalRef } from "../apps/external-ref.service.ts";
import { isPendingChange, requestRemoteChange, type PendingTaskChange } from "./task-change.service.ts";
import { createPost, getThread, type PostView } from "../posts/post.service.ts";

export interface TaskView {
  id: string;
  uri: string;
  /** True when this instance is the group's home and holds the truth. */
  home: boolean;
  group: ActorView;
  author: ActorView;
  title: string;
  descriptionHtml: string;
  description: string | null;
  status: string;
  statusLabel: string;
  closed: boolean;
  priority: string;
  due: string | null;
  overdue: boolean;
  labels: string[];
  dependsOn: string[];
  assignees: Array<{ actor: ActorView; state: "pending" | "accepted" }>;
  version: number;
  history: TaskRow["history"];
  noteUri: string | null;
  /** The companion note's id here, when we have it: comments are replies to it. */
  noteId: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

async function toView(ctx: ServiceContext, task: TaskRow): Promise<TaskView> {
  return (await toViews(ctx, [task]))[0]!;
}

/** Tasks as pages and APIs show them, hydrated in a few queries whatever their number (a board, my tasks). */
export async function toViews(ctx: ServiceContext, tasks: TaskRow[]): Promise<TaskView[]> {
  if (tasks.length === 0) return [];
  const assignees = await listAssignees(
    ctx.db,
    tasks.map((t) => t.id),
  );
  const actorIds = new Set([...tasks.flatMap((t) => [t.group_id, t.author_id]), ...assignees.map((a) => a.actor_id)]);
  const noteUris = tasks.map((t) => t.note_uri).filter((u): u is string => u !== null);
  const [actorRows, notes] = await Promise.all([actorsByIds(ctx.db, [...actorIds]), postsByUris(ctx.db, noteUris)]);
  const actors = new Map(actorRows.map((a) => [a.id, toActorView(a)]));
  const noteIds = new Map(notes.map((n) => [n.uri, n.id]));
  return tasks.map((task) => ({
    id: task.id,
    uri: task.uri,
    home: task.is_home,
    group: actors.get(task.group_id)!,
    author: actors.get(task.author_id)!,
    title: task.title,
    descriptionHtml: task.description_html,
    description: task.description_source,
    status: task.status,
    statusLabel: task.status_label,
    closed: task.closed,
    priority: task.priority,
    due: task.due_date,
    overdue: isOverdue(task.due_date, task.closed),
    labels: task.labels,
    dependsOn: task.depends_on,
    assignees: assignees.filter((a) => a.task_id === task.id && actors.has(a.actor_id)).map((a) => ({ actor: actors.get(a.actor_id)!, state: a.state })),
    version: task.version,
    history: task.history,
    noteUri: task.note_uri,
    noteId: task.note_uri ? (noteIds.get(task.note_uri) ?? null) : null,
    resolvedAt: task.resolved_at?.toISOString() ?? null,
    createdAt: task.created_at.toISOString(),
    updatedAt: task.updated_at.toISOString(),
  }));
}

/** The state a home publishes (Ticket): also what the federation layer serializes. */
export async function taskSnapshot(ctx: ServiceContext, task: TaskRow): Promise<TaskSnapshot> {
  const [group, author] = await Promise.all([findActorById(ctx.db, task.group_id), findActorById(ctx.db, task.author_id)]);
  const assignees = await listAssignees(ctx.db, [task.id]);
  return {
    uri: task.uri,
    groupUri: group!.uri,
    authorUri: author!.uri,
    title: task.title,
    descriptionHtml: task.description_html,
    descriptionSource: task.description_source,
    status: task.status,
    statusLabel: task.status_label,
    closed: task.closed,
    priority: task.priority,
    due: task.due_date,
    labels: task.labels,
    dependsOn: task.depends_on,
    assignees: assignees.map((a) => ({ uri: a.uri, state: a.state, assignActivityUri: a.assign_activity_uri })),
    version: task.version,
    history: task.history,
    noteUri: task.note_uri,
    resolvedAt: task.resolved_at?.toISOString() ?? null,
    resolvedByUri: task.resolved_by_uri,
    published: task.created_at.toISOString(),
    updated: task.updated_at.toISOString(),
  };
}

/**
 * Who may see a group's tasks: anyone for a public group at its home,
 * members otherwise (a copy cannot know a remote group's visibility, so it
 * keeps them for members).
 */
export function canSeeTasks(ctx: ServiceContext, group: GroupWithActor, viewerId: string | null): Promise<boolean> {
  return canSeeGroupContent(ctx, viewerOf(viewerId), group.actor.id);
}

/**
 * The tasks among these whose groups the viewer may still read: an assignment
 * outlives a membership (a member who left or was banned, an organization put
 * out of a shared room), and then shows no more than the board does.
 */
export async function readableTasks<T extends { group_id: string }>(ctx: ServiceContext, viewerId: string, rows: readonly T[]): Promise<T[]> {
  // The rule's facts for all their groups at once (was a read per group).
  const answers = await groupAnswers(
    ctx,
    viewerOf(viewerId),
    rows.map((r) => r.group_id),
  );
  return rows.filter((r) => answers.get(r.group_id)?.content === true);
}

async function requireTask(ctx: ServiceContext, taskId: string, viewerId: string | null) {
  const task = /^\d{19}$/.test(taskId) ? await findTaskById(ctx.db, taskId) : await findTaskByUri(ctx.db, taskId);
  const group = task ? await findGroupByActorId(ctx.db, task.group_id) : undefined;
  if (!task || !group || !(await canSeeTasks(ctx, group, viewerId))) throw notFound(`No task ${taskId}`);
  return { task, group };
}

export async function getTask(ctx: ServiceContext, taskId: string, viewerId: string | null): Promise<TaskView> {
  const { task } = await requireTask(ctx, taskId, viewerId);
  return toView(ctx, task);
}

export async function getTaskBoard(
  ctx: ServiceContext,
  groupRef: string,
  viewerId: string | null,
  filter: { status?: string | undefined },
): Promise<{ statuses: TaskStatusDef[]; tasks: TaskView[] }> {
  return taskBoardOf(ctx, await resolveGroupAccess(ctx, groupRef, viewerId), filter);
}

/** The board for the request that resolved `access` (who may see a group's tasks: as `canSeeTasks`). */
export async function taskBoardOf(
  ctx: ServiceContext,
  access: GroupAccess,
  filter: { status?: string | undefined },
): Promise<{ statuses: TaskStatusDef[]; tasks: TaskView[] }> {
  const { group } = access;
  if (!access.may.content) throw notFound(`No task board for ${access.ref}`);
  const rows = await listGroupTasks(ctx.db, group.actor.id, { status: filter.status });
  const statuses = await boardStatuses(ctx, group.actor.id);
  // A copy may hold statuses the home added that we have not been told of.
  for (const row of rows) {
    if (!statuses.some((s) => s.key === row.status)) statuses.push({ key: row.status, label: row.status_label, closed: row.closed });
  }
  return { statuses, tasks: await toViews(ctx, rows) };
}

export async function setTaskStatuses(ctx: ServiceContext, username: string, groupRef: string, raw: unknown): Promise<TaskStatusDef[]> {
  const user = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, groupRef, user.id);
  if (!group.actor.is_local) throw validationFailed("Change a board's statuses on the instance that owns the group");
  assertCanModerate(await membershipOf(ctx, group.actor.id, user.id));
  const statuses = checkStatuses(raw);
  const inUse = await listGroupTasks(ctx.db, group.actor.id, {});
  const orphan = inUse.find((t) => !statuses.some((s) => s.key === t.status));
  if (orphan) throw validationFailed(`Status "${orphan.status}" is still used by task "${orphan.title}"`, { field: "statuses" });
  await saveBoardStatuses(ctx.db, group.actor.id, statuses);
  return statuses;
}

/**
 * Applies a change: here when we are the group's home; else it is sent to
 * the home, and the answer is the change waiting for it (task-change.service.ts).
 */
async function change(
  ctx: ServiceContext,
  user: ActorRow,
  group: GroupWithActor,
  task: TaskRow | null,
  command: TaskCommand,
): Promise<TaskView | PendingTaskChange | null> {
  if (group.actor.is_local) {
    const result = await applyAtHome(ctx, user, group, task?.uri ?? null, command);
    return result ? toView(ctx, result) : null;
  }
  if (!ctx.remote) throw unavailable("Federation is not available here: cannot reach the group's home instance");
  // The Assign names the person by URI (a handle is ours to resolve), which also tells a self-assignment apart.
  if (command.kind === "assign" || command.kind === "unassign") {
    command = { ...command, assigneeUri: (await resolveActor(ctx, command.assigneeUri)).uri };
  }
  return requestRemoteChange(ctx, user, group.actor, task, command);
}

/** What a change answers: the task as it now is (our group), or the change waiting for the group's home. */
export type TaskOutcome = TaskView | PendingTaskChange;

export async function createTask(
  ctx: ServiceContext,
  username: string,
  groupRef: string,
  fields: TaskFields & { title: string; assignees?: string[] | undefined; externalRef?: ExternalRef | undefined },
): Promise<TaskOutcome> {
  const user = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, groupRef, user.id);
  // A mistyped assignee refuses the whole task rather than leaving it half made.
  for (const assignee of fields.assignees ?? []) {
    const actor = await resolveActor(ctx, assignee);
    if (group.actor.is_local && !isMember(await membershipOf(ctx, group.actor.id, actor.id))) {
      throw validationFailed(`@${actor.username}@${actor.domain} is not a member of this group; nothing was created`, { field: "assignee" });
    }
  }
  // At a remote home the people named are asked once it has the task (settleRemoteChange).
  let view = (await change(ctx, user, group, null, { kind: "create", fields }))!;
  if (isPendingChange(view)) return view;
  const taskId = view.id;
  for (const assignee of fields.assignees ?? []) {
    view = await assignTask(ctx, username, taskId, assignee);
  }
  return view;
}

async function forChange(ctx: ServiceContext, username: string, taskId: string) {
  const user = await requireLocalUserActor(ctx, username);
  const { task, group } = await requireTask(ctx, taskId, user.id);
  return { user, task, group };
}

export async function editTask(ctx: ServiceContext, username: string, taskId: string, version: number | undefined, fields: TaskFields): Promise<TaskOutcome> {
  const { user, task, group } = await forChange(ctx, username, taskId);
  return (await change(ctx, user, group, task, { kind: "edit", baseVersion: version, fields }))!;
}

export async function setTaskStatus(ctx: ServiceContext, username: string, taskId: string, status: string, version?: number): Promise<TaskOutcome> {
  const { user, task, group } = await forChange(ctx, username, taskId);
  return (await change(ctx, user, group, task, { kind: "status", baseVersion: version, status }))!;
}

export async function assignTask(ctx: ServiceContext, username: string, taskId: string, assignee: string): Promise<TaskOutcome> {
  const { user, task, group } = await forChange(ctx, username, taskId);
  return (await change(ctx, user, group, task, { kind: "assign", assigneeUri: assignee }))!;
}

export async function unassignTask(ctx: ServiceContext, username: string, taskId: string, assignee: string): Promise<TaskOutcome> {
  const { user, task, group } = await forChange(ctx, username, taskId);
  return (await change(ctx, user, group, task, { kind: "unassign", assigneeUri: assignee }))!;
}

/** The assignee's answer to an assignment that waits for their consent. */
export async function respondToAssignment(ctx: ServiceContext, username: string, taskId: string, accept: boolean): Promise<TaskOutcome> {
  const { user, task, group } = await forChange(ctx, username, taskId);
  return (await change(ctx, user, group, task, { kind: "respond", accept }))!;
}

/** Null once deleted here; a pending change when the group's home decides. */
export async function deleteTask(ctx: ServiceContext, username: string, taskId: string): Promise<PendingTaskChange | null> {
  const { user, task, group } = await forChange(ctx, username, taskId);
  const outcome = await change(ctx, user, group, task, { kind: "delete" });
  return outcome && isPendingChange(outcome) ? outcome : null;
}

/** Comments are replies to the task's companion note, so every server shows them in its thread. */
export async function taskComments(ctx: ServiceContext, taskId: string, viewerId: string | null): Promise<PostView[]> {
  const view = await getTask(ctx, taskId, viewerId);
  if (!view.noteId) return [];
  return (await getThread(ctx, view.noteId, viewerId)).filter((p) => p.id !== view.noteId);
}

export async function commentOnTask(ctx: ServiceContext, username: string, taskId: string, content: string): Promise<PostView> {
  const user = await requireLocalUserActor(ctx, username);
  const view = await getTask(ctx, taskId, user.id);
  let noteId = view.noteId;
  if (!noteId && view.noteUri && ctx.remote?.resolvePost) {
    await ctx.remote.resolvePost(view.noteUri);
    noteId = (await findPostByUri(ctx.db, view.noteUri))?.id ?? null;
  }
  if (!noteId) throw unavailable("This task's thread has not reached this instance yet; try again shortly");
  return createPost(ctx, username, { inReplyTo: noteId, content });
}

/** Tasks assigned to me in every group of every instance this one knows, soonest due first. */
export async function myTasks(
  ctx: ServiceContext,
  username: string,
  filter: { status?: string | undefined; dueBefore?: string | undefined; overdue?: boolean | undefined },
): Promise<TaskView[]> {
  const user = await requireLocalUserActor(ctx, username);
  const taskFilter: TaskFilter = {
    status: filter.status,
    dueBefore: filter.dueBefore ? (checkDueDate(filter.dueBefore) ?? undefined) : undefined,
    overdueOn: filter.overdue ? new Date().toISOString().slice(0, 10) : undefined,
  };
  return toViews(ctx, await readableTasks(ctx, user.id, await listAssignedTasks(ctx.db, user.id, taskFilter)));
}
