// The group's home instance applies every change to its tasks here, whether
// the change comes from one of its own users (API) or from a member on
// another instance (a ForgeFed activity). One place checks permissions,
// orders concurrent changes by version, writes the history, keeps the
// companion note in step and records what to announce.
import type { Transaction } from "kysely";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import {
  deleteAssignee,
  deleteTaskRow,
  findBoardStatuses,
  findTaskByOffer,
  findTaskByUri,
  insertTask,
  listAssignees,
  lockTask,
  updateTaskRow,
  upsertAssignee,
  type NewTaskRow,
} from "../../db/repos/task.repo.ts";
import type { GroupWithActor } from "../../db/queries/group.queries.ts";
import type { ActorRow, Database, TaskRow } from "../../db/schema.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { newId, newActivityKey } from "../../domain/ids.ts";
import { assignedText, assignmentAskedText, companionNoteText, statusChangeText } from "../../domain/task-note.ts";
import {
  assertCanAssign,
  assertCanChangeStatus,
  assertCanCreateTask,
  assertCanDeleteTask,
  assertCanEditTask,
  assertFreshVersion,
  checkDescription,
  checkDueDate,
  checkLabels,
  checkPriority,
  checkTitle,
  DEFAULT_STATUSES,
  describeChanges,
  findStatus,
  initialStatus,
  LIMITS,
  type TaskCommand,
  type TaskFields,
  type TaskHistoryEntry,
  type TaskRole,
  type TaskStatusDef,
} from "../../domain/task.rules.ts";
import { resolveActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { isMember } from "../../domain/group.rules.ts";
import { membershipOf } from "../groups/group.service.ts";
import { renderText, type MentionLink } from "../html.ts";
import { recordFirstDelivery, type IncomingActivity } from "../incoming.ts";
import { createGroupReply, editGroupPost } from "../posts/post.service.ts";
import { escalationAskerOf } from "../../db/repos/escalation.repo.ts";

export async function boardStatuses(ctx: ServiceContext, groupId: string): Promise<TaskStatusDef[]> {
  return (await findBoardStatuses(ctx.db, groupId)) ?? [...DEFAULT_STATUSES];
}

export function handleOf(actor: ActorRow): string {
  return `@${actor.username}@${actor.domain}`;
}

function mentionOf(actor: ActorRow): MentionLink {
  return { handle: handleOf(actor), uri: actor.uri, url: actor.url ?? actor.uri };
}

/** A second delivery of an activity already applied: roll back, answer with the current state. */
class AlreadyApplied extends Error {}

interface ChangeContext {
  ctx: ServiceContext;
  actor: ActorRow;
  group: GroupWithActor;
  incoming: IncomingActivity | MemberChange | undefined;
}

/**
 * Applies one change at the group's home. Returns the task as it now is
 * (null once deleted). A repeated activity id changes nothing.
 */
export async function applyAtHome(
  ctx: ServiceContext,
  actor: ActorRow,
  group: GroupWithActor,
  taskUri: string | null,
  command: TaskCommand,
  incoming?: IncomingActivity | MemberChange,
): Promise<TaskRow | null> {
  if (!group.actor.is_local) throw validationFailed("This instance is not the home of that group");
  const change: ChangeContext = { ctx, actor, group, incoming };
  try {
    if (command.kind === "create") return await createAtHome(change, command.fields, command.offerUri);
    const task = taskUri ? await findTaskByUri(ctx.db, taskUri) : undefined;
    if (!task || !task.is_home || task.group_id !== group.actor.id) throw notFound("No such task in this group");
    switch (command.kind) {
      case "edit":
        return await editAtHome(change, task, command.baseVersion, command.fields);
      case "status":
        return await statusAtHome(change, task, command.baseVersion, command.status);
      case "assign":
        return await assignAtHome(change, task, command.assigneeUri);
      case "unassign":
        return await unassignAtHome(change, task, command.assigneeUri);
      case "respond":
        return await respondAtHome(change, task, command.accept);
      case "delete":
        return await deleteAtHome(change, task);
    }
  } catch (error) {
    if (!(error instanceof AlreadyApplied)) throw error;
    if (command.kind === "create" && command.offerUri) return (await findTaskByOffer(ctx.db, command.offerUri)) ?? null;
    return taskUri ? ((await findTaskByUri(ctx.db, taskUri)) ?? null) : null;
  }
}

/** A member's change from another instance, and who gets the home's answer. */
export interface MemberChange extends IncomingActivity {
  answer: { memberId: string; groupId: string; recorded: boolean };
}

/**
 * Records the activity in the inbox log (a repeat is AlreadyApplied) and,
 * for a member's change, the Accept it is answered with — in the change's
 * own transaction, so a change is never made without its answer.
 */
async function markApplied(trx: Transaction<Database>, incoming: IncomingActivity | MemberChange | undefined, taskUri: string | null): Promise<void> {
  if (!incoming) return;
  if (!(await recordFirstDelivery(trx, incoming))) throw new AlreadyApplied();
  if ("answer" in incoming) {
    const { memberId, groupId } = incoming.answer;
    await recordOutboxEvent(trx, { type: "task.change_answered", activityUri: incoming.uri, memberId, groupId, taskUri });
    incoming.answer.recorded = true;
  }
}

async function roleOf(ctx: ServiceContext, task: TaskRow, actor: ActorRow): Promise<TaskRole> {
  const assignees = await listAssignees(ctx.db, [task.id]);
  return {
    membership: await membershipOf(ctx, task.group_id, actor.id),
    isAuthor: task.author_id === actor.id,
    isAssignee: assignees.some((a) => a.actor_id === actor.id && a.state === "accepted"),
  };
}

async function checkFields(ctx: ServiceContext, fields: TaskFields) {
  return {
    title: fields.title === undefined ? undefined : checkTitle(fields.title),
    description: fields.description === undefined ? undefined : checkDescription(fields.description),
    priority: fields.priority === undefined ? undefined : checkPriority(fields.priority),
    due: fields.due === undefined ? undefined : checkDueDate(fields.due),
    labels: fields.labels === undefined ? undefined : checkLabels(fields.labels),
    dependsOn: fields.dependsOn === undefined ? undefined : await checkDependencies(ctx, fields.dependsOn),
  };
}

/** Dependencies name other tasks by URI (or, locally, by id); unknown ones are refused. */
async function checkDependencies(ctx: ServiceContext, refs: string[]): Promise<string[]> {
  if (refs.length > LIMITS.dependsOn) throw validationFailed(`A task depends on at most ${LIMITS.dependsOn} others`, { field: "dependsOn" });
  const uris: string[] = [];
  for (const ref of refs) {
    const uri = /^\d{19}$/.test(ref) ? new URL(`/tasks/${ref}`, ctx.origin).href : ref;
    if (!(await findTaskByUri(ctx.db, uri))) throw validationFailed(`Unknown task ${ref} in dependsOn`, { field: "dependsOn" });
    uris.push(uri);
  }
  return [...new Set(uris)];
}

function entry(actor: ActorRow, field: string, from: string | null, to: string | null): TaskHistoryEntry {
  return { at: new Date().toISOString(), actor: actor.uri, field, from, to };
}

/** Rewrites the companion note from the task's current state. */
async function refreshNote(ctx: ServiceContext, trx: Transaction<Database>, task: TaskRow, deleted = false): Promise<void> {
  if (!task.note_uri) return;
  const assignees = await listAssignees(trx, [task.id]);
  const actors: ActorRow[] = [];
  for (const a of assignees) {
    const row = await findActorById(trx, a.actor_id);
    if (row) actors.push(row);
  }
  const text = companionNoteText({
    title: task.title,
    statusLabel: task.status_label,
    closed: task.closed,
    priority: task.priority,
    due: task.due_date,
    labels: task.labels,
    assignees: actors.map((a) => ({ handle: handleOf(a), pending: assignees.find((x) => x.actor_id === a.id)?.state === "pending" })),
    url: task.uri,
    deleted,
  });
  await editGroupPost(ctx, trx, task.note_uri, { content: text, mentionUris: actors.map((a) => a.uri), mentions: actors.map(mentionOf) });
}

/** Records the broadcast of the task's new state, and wakes the outbox after commit. */
async function announce(trx: Transaction<Database>, task: TaskRow, created = false): Promise<void> {
  await recordOutboxEvent(trx, { type: "task.published", taskId: task.id, created });
}

/** Writes a change with its history lines under a new version, then updates the note and records the announcement. */
async function saveChange(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  current: TaskRow,
  changes: Partial<NewTaskRow>,
  lines: TaskHistoryEntry[],
): Promise<void> {
  await updateTaskRow(trx, current.id, { ...changes, history: [...current.history, ...lines], version: current.version + 1, updated_at: new Date() });
  const updated = (await findTaskByUri(trx, current.uri))!;
  await refreshNote(ctx, trx, updated);
  await announce(trx, updated);
}

/**
 * Runs a change inside the transaction that also writes a reply to the
 * companion note (so the thread shows what happened), or in a plain
 * transaction when there is nothing to say.
 */
async function withNoteReply<T>(
  change: ChangeContext,
  task: TaskRow,
  reply: { text: string; mentions: ActorRow[] } | null,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const { ctx, group } = change;
  const note = reply && task.note_uri ? await findPostByUri(ctx.db, task.note_uri) : undefined;
  if (!note || !reply) {
    const result = await ctx.db.transaction().execute(work);
    ctx.onOutboxEvent?.();
    return result;
  }
  let result: T | undefined;
  await createGroupReply(
    ctx,
    group.actor,
    {
      inReplyTo: note,
      content: reply.text,
      mentionUris: reply.mentions.map((a) => a.uri),
      mentions: reply.mentions.map(mentionOf),
      tags: [],
      causedById: change.actor.id,
    },
    async (trx) => {
      result = await work(trx);
    },
  );
  return result as T;
}

async function createAtHome(change: ChangeContext, raw: TaskFields & { title: string }, offerUri: string | undefined): Promise<TaskRow> {
  const { ctx, actor, group } = change;
  assertCanCreateTask(await membershipOf(ctx, group.actor.id, actor.id));
  const fields = await checkFields(ctx, raw);
  const status = initialStatus(await boardStatuses(ctx, group.actor.id));
  const id = newId();
  const uri = new URL(`/tasks/${id}`, ctx.origin).href;
  const now = new Date();
  const row = {
    id,
    uri,
    group_id: group.actor.id,
    author_id: actor.id,
    is_home: true,
    title: fields.title!,
    description_html: renderText(fields.description ?? "", ctx.origin, []),
    description_source: fields.description ?? "",
    status: status.key,
    status_label: status.label,
    closed: false,
    priority: fields.priority ?? "normal",
    due_date: fields.due ?? null,
    labels: fields.labels ?? [],
    depends_on: fields.dependsOn ?? [],
    history: [entry(actor, "created", null, fields.title!)],
    version: 1,
    note_uri: null as string | null,
    resolved_at: null,
    resolved_by_uri: null,
    offer_uri: offerUri ?? null,
    created_at: now,
    updated_at: now,
  };
  const noteText = companionNoteText({
    title: row.title,
    statusLabel: row.status_label,
    closed: false,
    priority: row.priority,
    due: row.due_date,
    labels: row.labels,
    assignees: [],
    url: uri,
  });
  await createGroupReply(ctx, group.actor, { content: noteText, mentionUris: [], tags: [] }, async (trx, postId) => {
    await markApplied(trx, change.incoming, uri);
    row.note_uri = (await findPostById(trx, postId))!.uri;
    await insertTask(trx, row);
    const inserted = (await findTaskByUri(trx, uri))!;
    // A member's Offer from another instance is answered by the inbox (Accept with the Ticket).
    await announce(trx, inserted, true);
  });
  return (await findTaskByUri(ctx.db, uri))!;
}

async function editAtHome(change: ChangeContext, task: TaskRow, baseVersion: number | undefined, raw: TaskFields): Promise<TaskRow> {
  const { ctx, actor } = change;
  assertCanEditTask(await roleOf(ctx, task, actor));
  const fields = await checkFields(ctx, raw);
  await withNoteReply(change, task, null, async (trx) => {
    await markApplied(trx, change.incoming, task.uri);
    const current = (await lockTask(trx, task.id))!;
    assertFreshVersion(current.version, baseVersion);
    const before = {
      title: current.title,
      description: current.description_source ?? "",
      priority: current.priority,
      due: current.due_date,
      labels: current.labels,
      dependsOn: current.depends_on,
    };
    const after = {
      title: fields.title ?? before.title,
      description: fields.description ?? before.description,
      priority: fields.priority ?? before.priority,
      due: fields.due === undefined ? before.due : fields.due,
      labels: fields.labels ?? before.labels,
      dependsOn: fields.dependsOn ?? before.dependsOn,
    };
    const lines = describeChanges(before, after, actor.uri, new Date().toISOString());
    if (lines.length === 0) return;
    await saveChange(
      ctx,
      trx,
      current,
      {
        title: after.title,
        description_html: renderText(after.description, ctx.origin, []),
        description_source: after.description,
        priority: after.priority,
        due_date: after.due,
        labels: after.labels,
        depends_on: after.dependsOn,
      },
      lines,
    );
  });
  return (await findTaskByUri(ctx.db, task.uri))!;
}

async function statusAtHome(change: ChangeContext, task: TaskRow, baseVersion: number | undefined, statusKey: string): Promise<TaskRow> {
  const { ctx, actor } = change;
  assertCanChangeStatus(await roleOf(ctx, task, actor));
  const target = findStatus(await boardStatuses(ctx, task.group_id), statusKey);
  if (target.key === task.status) return task;
  const text = statusChangeText({ byHandle: handleOf(actor), fromLabel: task.status_label, toLabel: target.label });
  // A task escalated from a thread keeps the person who asked there informed.
  const asker = await escalationAskerOf(ctx.db, task.id);
  const cc = asker && asker.id !== actor.id ? asker : null;
  await withNoteReply(change, task, { text: cc ? `${text}\n\ncc ${handleOf(cc)}` : text, mentions: cc ? [actor, cc] : [actor] }, async (trx) => {
    await markApplied(trx, change.incoming, task.uri);
    const current = (await lockTask(trx, task.id))!;
    if (baseVersion !== undefined) assertFreshVersion(current.version, baseVersion);
    await saveChange(
      ctx,
      trx,
      current,
      {
        status: target.key,
        status_label: target.label,
        closed: target.closed,
        resolved_at: target.closed ? new Date() : null,
        resolved_by_uri: target.closed ? actor.uri : null,
      },
      [entry(actor, "status", current.status, target.key)],
    );
  });
  return (await findTaskByUri(ctx.db, task.uri))!;
}

async function assignAtHome(change: ChangeContext, task: TaskRow, assigneeRef: string): Promise<TaskRow> {
  const { ctx, actor } = change;
  const assignee = await resolveActor(ctx, assigneeRef);
  // Taking a task yourself needs no one's permission but membership.
  if (assignee.id !== actor.id) assertCanAssign(await roleOf(ctx, task, actor));
  if (!isMember(await membershipOf(ctx, task.group_id, assignee.id))) {
    throw validationFailed(`${handleOf(assignee)} is not a member of this group`, { field: "assignee" });
  }
  const existing = (await listAssignees(ctx.db, [task.id])).find((a) => a.actor_id === assignee.id);
  if (existing) return task;
  if ((await listAssignees(ctx.db, [task.id])).length >= LIMITS.assignees) {
    throw validationFailed(`A task has at most ${LIMITS.assignees} assignees`, { field: "assignee" });
  }
  // Someone on another instance than the group's is asked first: one company
  // does not hand work to another company's people without their consent.
  const needsConsent = !assignee.is_local && assignee.id !== actor.id;
  const activityUri = needsConsent ? `${task.uri}/assignments/${newActivityKey()}` : null;
  const text = needsConsent ? assignmentAskedText(handleOf(actor), handleOf(assignee), task.title) : assignedText(handleOf(assignee), task.title);
  await withNoteReply(change, task, { text, mentions: [assignee] }, async (trx) => {
    await markApplied(trx, change.incoming, task.uri);
    const current = (await lockTask(trx, task.id))!;
    await upsertAssignee(trx, {
      taskId: task.id,
      actorId: assignee.id,
      state: needsConsent ? "pending" : "accepted",
      assignActivityUri: activityUri,
      assignedByUri: actor.uri,
    });
    await saveChange(ctx, trx, current, {}, [entry(actor, needsConsent ? "assignment_requested" : "assigned", null, assignee.uri)]);
    if (activityUri) await recordOutboxEvent(trx, { type: "task.assign_requested", taskId: task.id, assigneeId: assignee.id, activityUri });
  });
  return (await findTaskByUri(ctx.db, task.uri))!;
}

async function unassignAtHome(change: ChangeContext, task: TaskRow, assigneeRef: string): Promise<TaskRow> {
  const { ctx, actor } = change;
  const assignee = (await findActorByUri(ctx.db, assigneeRef)) ?? (await resolveActor(ctx, assigneeRef));
  if (assignee.id !== actor.id) assertCanAssign(await roleOf(ctx, task, actor));
  await withNoteReply(change, task, null, async (trx) => {
    await markApplied(trx, change.incoming, task.uri);
    const current = (await lockTask(trx, task.id))!;
    await deleteAssignee(trx, task.id, assignee.id);
    await saveChange(ctx, trx, current, {}, [entry(actor, "unassigned", assignee.uri, null)]);
  });
  return (await findTaskByUri(ctx.db, task.uri))!;
}

async function respondAtHome(change: ChangeContext, task: TaskRow, accept: boolean): Promise<TaskRow> {
  const { ctx, actor } = change;
  const pending = (await listAssignees(ctx.db, [task.id])).find((a) => a.actor_id === actor.id && a.state === "pending");
  if (!pending) throw validationFailed("You have no pending assignment on this task");
  const text = `${handleOf(actor)} ${accept ? "accepted" : "declined"} this task`;
  await withNoteReply(change, task, { text, mentions: [] }, async (trx) => {
    await markApplied(trx, change.incoming, task.uri);
    const current = (await lockTask(trx, task.id))!;
    if (accept) {
      await upsertAssignee(trx, {
        taskId: task.id,
        actorId: actor.id,
        state: "accepted",
        assignActivityUri: pending.assign_activity_uri,
        assignedByUri: pending.assigned_by_uri,
      });
    } else {
      await deleteAssignee(trx, task.id, actor.id);
    }
    await saveChange(ctx, trx, current, {}, [entry(actor, accept ? "assignment_accepted" : "assignment_declined", null, actor.uri)]);
  });
  return (await findTaskByUri(ctx.db, task.uri))!;
}

async function deleteAtHome(change: ChangeContext, task: TaskRow): Promise<null> {
  const { ctx, actor, group } = change;
  assertCanDeleteTask(await membershipOf(ctx, group.actor.id, actor.id));
  await withNoteReply(change, task, null, async (trx) => {
    await markApplied(trx, change.incoming, null);
    await refreshNote(ctx, trx, task, true);
    await deleteTaskRow(trx, task.id);
    await recordOutboxEvent(trx, { type: "task.deleted", taskUri: task.uri, groupId: group.actor.id });
  });
  return null;
}
