// Copies of tasks whose group lives on another instance. The home publishes
// whole versioned snapshots; a copy takes a snapshot only when it is newer
// than what it holds, so late or repeated deliveries never roll it back.
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { deleteAssigneesExcept, deleteTaskRow, findTaskByUri, listAssignees, insertTask, updateTaskRow, upsertAssignee } from "../../db/repos/task.repo.ts";
import type { ActorRow, TaskRow } from "../../db/schema.ts";
import { forbidden } from "../../domain/errors.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";
import { hasLocalMember } from "../../db/queries/group.queries.ts";
import { newId } from "../../domain/ids.ts";
import type { TaskSnapshot } from "../../domain/task-snapshot.ts";
import { resolveActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { ensureGroupRow } from "../groups/group-cache.ts";
import { sanitizeHtml } from "../html.ts";

async function actorFor(ctx: ServiceContext, uri: string): Promise<ActorRow | null> {
  const cached = await findActorByUri(ctx.db, uri);
  if (cached) return cached;
  try {
    return await resolveActor(ctx, uri);
  } catch {
    return null;
  }
}

/**
 * Stores a snapshot published by `group` (the signer of the activity, or the
 * home instance that answered our request). Only the group's own home may
 * speak for its tasks (the task and the group share one origin), only a
 * group one of our people belongs to, and never for our own people's
 * consent: an assignment of one of our users counts as accepted only once
 * that user accepted it here (`consentOf`, when this snapshot answers their
 * own acceptance).
 */
export async function storeTaskSnapshot(
  ctx: ServiceContext,
  group: ActorRow,
  snapshot: TaskSnapshot,
  options: { consentOf?: string } = {},
): Promise<TaskRow | null> {
  if (group.is_local) return (await findTaskByUri(ctx.db, snapshot.uri)) ?? null;
  if (group.type !== "Group" || group.uri !== snapshot.groupUri || !sameOrigin(snapshot.uri, group.uri)) {
    throw forbidden("Only a group's home instance can publish its tasks");
  }
  if (!(await hasLocalMember(ctx.db, group.id))) throw forbidden("None of our users belongs to this group: its tasks are not ours to keep");
  await ensureGroupRow(ctx.db, group);
  const existing = await findTaskByUri(ctx.db, snapshot.uri);
  if (existing && existing.version >= snapshot.version) {
    // The announcement of this version may have come first, when our user's consent was not yet known here.
    if (options.consentOf) await confirmConsent(ctx, existing, snapshot, options.consentOf);
    return existing;
  }
  const author = await actorFor(ctx, snapshot.authorUri);
  if (!author) throw forbidden(`Cannot find the author of task ${snapshot.uri}`);
  const consented = new Set(existing ? (await listAssignees(ctx.db, [existing.id])).filter((a) => a.state === "accepted").map((a) => a.actor_id) : []);
  if (options.consentOf) consented.add(options.consentOf);
  const assignees: Array<{ actor: ActorRow; state: "pending" | "accepted"; assignActivityUri: string | null }> = [];
  for (const a of snapshot.assignees) {
    const actor = await actorFor(ctx, a.uri);
    if (!actor) continue;
    const state = actor.is_local && !consented.has(actor.id) ? "pending" : a.state;
    assignees.push({ actor, state, assignActivityUri: a.assignActivityUri ?? null });
  }
  const columns = {
    group_id: group.id,
    author_id: author.id,
    is_home: false,
    title: snapshot.title,
    description_html: sanitizeHtml(snapshot.descriptionHtml),
    description_source: snapshot.descriptionSource,
    status: snapshot.status,
    status_label: snapshot.statusLabel,
    closed: snapshot.closed,
    priority: snapshot.priority,
    due_date: snapshot.due,
    labels: snapshot.labels,
    depends_on: snapshot.dependsOn,
    history: snapshot.history,
    version: snapshot.version,
    note_uri: snapshot.noteUri,
    resolved_at: snapshot.resolvedAt ? new Date(snapshot.resolvedAt) : null,
    resolved_by_uri: snapshot.resolvedByUri,
    updated_at: new Date(snapshot.updated),
  };
  await ctx.db.transaction().execute(async (trx) => {
    let id = existing?.id;
    if (existing) {
      await updateTaskRow(trx, existing.id, columns);
    } else {
      id = newId();
      await insertTask(trx, { id, uri: snapshot.uri, offer_uri: null, created_at: new Date(snapshot.published), ...columns });
    }
    await deleteAssigneesExcept(
      trx,
      id!,
      assignees.map((a) => a.actor.id),
    );
    for (const a of assignees) {
      await upsertAssignee(trx, {
        taskId: id!,
        actorId: a.actor.id,
        state: a.state,
        assignActivityUri: a.assignActivityUri,
        assignedByUri: null,
      });
    }
  });
  return (await findTaskByUri(ctx.db, snapshot.uri)) ?? null;
}

/** Our user's assignment, pending in our copy, is theirs once they consented and the home lists them as accepted. */
async function confirmConsent(ctx: ServiceContext, task: TaskRow, snapshot: TaskSnapshot, actorId: string): Promise<void> {
  const actor = await findActorById(ctx.db, actorId);
  const listed = actor && snapshot.assignees.find((a) => a.uri === actor.uri && a.state === "accepted");
  const mine = (await listAssignees(ctx.db, [task.id])).find((a) => a.actor_id === actorId);
  if (!listed || !mine || mine.state === "accepted") return;
  await upsertAssignee(ctx.db, {
    taskId: task.id,
    actorId,
    state: "accepted",
    assignActivityUri: mine.assign_activity_uri,
    assignedByUri: mine.assigned_by_uri,
  });
}

/** The home deleted a task: drop our copy. */
export async function removeTaskCopy(ctx: ServiceContext, group: ActorRow, taskUri: string): Promise<void> {
  const task = await findTaskByUri(ctx.db, taskUri);
  if (!task || task.is_home) return;
  if (task.group_id !== group.id) throw forbidden("Only a group's home instance can delete its tasks");
  await deleteTaskRow(ctx.db, task.id);
}
