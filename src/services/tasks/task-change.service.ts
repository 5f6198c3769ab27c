// A member's change to a task whose group lives on another instance. The
// home is the only source of truth, so nothing changes here until it agrees:
// the change is recorded as pending and answered at once, the outbox sends
// it (with the one retry policy), and the home's Accept (with the Ticket as
// it now is) or Reject (with the reason, such as a stale version) settles it.
// The person sees the pending change, then its outcome, on the task (ADR 0007).
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import {
  findTaskChange,
  findTaskChangeByActivity,
  insertTaskChange,
  listTaskChanges,
  overduePendingChanges,
  settleTaskChange,
} from "../../db/repos/task-change.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { deleteTaskRow, findTaskByUri } from "../../db/repos/task.repo.ts";
import type { ActorRow, TaskChangeRow, TaskRow } from "../../db/schema.ts";
import { forbidden, notFound } from "../../domain/errors.ts";
import { newActivityKey, newId } from "../../domain/ids.ts";
import type { TaskSnapshot } from "../../domain/task-snapshot.ts";
import type { TaskCommand } from "../../domain/task.rules.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import { linkExternalRef, type ExternalRef } from "../apps/external-ref.service.ts";
import { assertPeerAllowed } from "../organizations/federation-policy.service.ts";
import type { ServiceContext } from "../context.ts";
import { storeTaskSnapshot } from "./task-copy.service.ts";

export interface TaskChangeView {
  id: string;
  /** create, edit, status, assign, unassign, respond or delete */
  kind: string;
  /** pending until the home answers; then accepted or refused */
  state: "pending" | "accepted" | "refused";
  /** The task's URI (for a new task: once the home accepted it). */
  taskUri: string | null;
  /** The task's id here, when we hold a copy. */
  taskId: string | null;
  groupUri: string;
  /** Why the home refused it (code as in the API's errors, e.g. conflict for a stale version). */
  refusal: { code: string; message: string } | null;
  createdAt: string;
  settledAt: string | null;
}

/** What a change to a remote group's task answers: the change, waiting for the home. */
export interface PendingTaskChange {
  pendingChange: TaskChangeView;
}

export function isPendingChange(value: object): value is PendingTaskChange {
  return "pendingChange" in value;
}

async function toChangeView(ctx: ServiceContext, row: TaskChangeRow, group?: ActorRow): Promise<TaskChangeView> {
  const task = row.task_uri ? await findTaskByUri(ctx.db, row.task_uri) : undefined;
  const groupUri = group?.uri ?? (await findActorById(ctx.db, row.group_id))?.uri ?? "";
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    taskUri: row.task_uri,
    taskId: task?.id ?? null,
    groupUri,
    refusal: row.state === "refused" ? { code: row.refusal_code ?? "unavailable", message: row.refusal_message ?? "" } : null,
    createdAt: row.created_at.toISOString(),
    settledAt: row.settled_at?.toISOString() ?? null,
  };
}

/** Records the change and has the outbox send it to the group's home. */
export async function requestRemoteChange(
  ctx: ServiceContext,
  user: ActorRow,
  group: ActorRow,
  task: TaskRow | null,
  command: TaskCommand,
): Promise<PendingTaskChange> {
  // Refused at once, not after a day of retries, when the policy forbids that instance.
  await assertPeerAllowed(ctx, new URL(group.uri).host);
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    await insertTaskChange(trx, {
      id,
      activityUri: new URL(`/tasks/activities/${newActivityKey()}`, ctx.origin).href,
      actorId: user.id,
      groupId: group.id,
      taskUri: task?.uri ?? null,
      command,
    });
    await recordOutboxEvent(trx, { type: "task.change_requested", changeId: id });
  });
  ctx.onOutboxEvent?.();
  return { pendingChange: await toChangeView(ctx, (await findTaskChange(ctx.db, id))!, group) };
}

export type HomeAnswer = { accepted: true; snapshot: TaskSnapshot | null } | { accepted: false; code: string; message: string };

/**
 * The home's answer to one of our changes. Only the group the change went
 * to may answer it; a repeated answer changes nothing.
 */
/**
 * How long a change may wait for its home's answer. Sending it is retried for
 * about 2.9 days (src/federation/delivery-retry.ts) and so is the home's
 * answer, so an honest answer arrives within 6 days; past a week, nothing will.
 */
export const UNANSWERED_CHANGE_DEADLINE_MS = 7 * 24 * 3600_000;

/**
 * Settles as refused the changes whose home never answered (its Accept lost,
 * or the home gone quiet after taking the request), so nobody waits on a
 * pending change for ever. The home may still have made it: the message says
 * to look at the task there, and the task's next announcement brings our copy
 * up to date either way. A late answer finds the change settled and is ignored.
 */
export async function refuseUnansweredChanges(ctx: ServiceContext, now: Date): Promise<number> {
  const overdue = await overduePendingChanges(ctx.db, new Date(now.getTime() - UNANSWERED_CHANGE_DEADLINE_MS), 500);
  let refused = 0;
  for (const change of overdue) {
    const host = new URL(change.group_uri).host;
    const settled = await settleTaskChange(ctx.db, change.id, {
      state: "refused",
      code: "unavailable",
      message: `${host} did not answer within 7 days. The change may or may not have been made: check the task, then try again if it is not there.`,
    });
    if (settled) refused++;
  }
  return refused;
}

export async function settleRemoteChange(ctx: ServiceContext, home: ActorRow, activityUri: string, answer: HomeAnswer): Promise<void> {
  const row = await findTaskChangeByActivity(ctx.db, activityUri);
  if (!row) throw notFound("No such task change here");
  if (row.group_id !== home.id) throw forbidden("Only the group the change was sent to can answer it");
  if (row.state !== "pending") return;
  if (!answer.accepted) {
    await settleTaskChange(ctx.db, row.id, { state: "refused", code: answer.code, message: answer.message });
    ctx.logger.info({ change: row.id, code: answer.code }, "task change refused by the home");
    return;
  }
  const command = row.command;
  if (!answer.snapshot) {
    // An older home's Accept of an Offer names the task without its state; its Ticket answer settles that one.
    if (command.kind === "create") return;
    const copy = row.task_uri ? await findTaskByUri(ctx.db, row.task_uri) : undefined;
    if (copy && !copy.is_home) await deleteTaskRow(ctx.db, copy.id);
    await settleTaskChange(ctx.db, row.id, { state: "accepted" });
    return;
  }
  // An answer to a change of one task carries that task: a home that answers
  // with another (to record our user's consent there) is not believed, and
  // the change stays pending until it is refused as unanswered.
  if (command.kind !== "create" && answer.snapshot.uri !== row.task_uri) {
    ctx.logger.warn({ change: row.id, task: row.task_uri, answered: answer.snapshot.uri }, "a home answered a task change with another task; ignored");
    return;
  }
  // Our user's own acceptance, or taking the task themselves, is their consent.
  const actor = await requireActorRow(ctx, row.actor_id);
  const consents = (command.kind === "respond" && command.accept) || (command.kind === "assign" && command.assigneeUri === actor.uri);
  await storeTaskSnapshot(ctx, home, answer.snapshot, consents ? { consentOf: actor.id } : {});
  if (!(await settleTaskChange(ctx.db, row.id, { state: "accepted", taskUri: answer.snapshot.uri }))) return;
  // People named when the task was opened are asked once the home has it.
  if (command.kind === "create") {
    const task = (await findTaskByUri(ctx.db, answer.snapshot.uri)) ?? null;
    const extra = command.fields as { assignees?: string[]; externalRef?: ExternalRef };
    if (task && extra.externalRef) await linkWhenConfirmed(ctx, task.id, extra.externalRef);
    for (const assignee of extra.assignees ?? []) {
      await requestRemoteChange(ctx, actor, home, task, { kind: "assign", assigneeUri: assignee });
    }
  }
}

/** The integration's reference, asked for when the task was opened; a clash is logged, not fatal: the task exists. */
async function linkWhenConfirmed(ctx: ServiceContext, taskId: string, ref: ExternalRef): Promise<void> {
  try {
    await ctx.db.transaction().execute((trx) => linkExternalRef(trx, "task", taskId, ref));
  } catch (error) {
    ctx.logger.warn({ task: taskId, ref, err: error }, "external reference not linked to the confirmed task");
  }
}

async function requireActorRow(ctx: ServiceContext, id: string): Promise<ActorRow> {
  const actor = await findActorById(ctx.db, id);
  if (!actor) throw notFound("The person who made this change is gone");
  return actor;
}

/** One of my changes, as it stands. */
export async function getTaskChange(ctx: ServiceContext, username: string, id: string): Promise<TaskChangeView> {
  const user = await requireLocalUserActor(ctx, username);
  const row = await findTaskChange(ctx.db, id);
  if (!row || row.actor_id !== user.id) throw notFound(`No task change ${id}`);
  return toChangeView(ctx, row);
}

/** My recent changes to one task (pending, and what the home answered). */
export async function myChangesToTask(ctx: ServiceContext, actorId: string, taskUri: string): Promise<TaskChangeView[]> {
  const views = [];
  for (const row of await listTaskChanges(ctx.db, actorId, { taskUri }, 5)) views.push(await toChangeView(ctx, row));
  return views;
}

/** The tasks I opened in a group of another instance that its home has not confirmed (or refused) yet. */
export async function myNewTasksInGroup(ctx: ServiceContext, actorId: string, groupId: string): Promise<Array<TaskChangeView & { title: string }>> {
  const views = [];
  for (const row of await listTaskChanges(ctx.db, actorId, { groupId, newTasks: true }, 10)) {
    if (row.state === "accepted") continue;
    const title = row.command.kind === "create" ? row.command.fields.title : "";
    views.push({ ...(await toChangeView(ctx, row)), title });
  }
  return views;
}

/** The change a sent activity carries (the federation outbox builds and sends it). */
export async function taskChangeToSend(ctx: ServiceContext, changeId: string) {
  const row = await findTaskChange(ctx.db, changeId);
  if (!row || row.state !== "pending") return null;
  const [actor, group] = await Promise.all([requireActorRow(ctx, row.actor_id), requireActorRow(ctx, row.group_id)]);
  const task = row.task_uri ? ((await findTaskByUri(ctx.db, row.task_uri)) ?? null) : null;
  return { row, actor, group, task };
}
