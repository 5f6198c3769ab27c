// What an integration needs beside a task: its external reference
// (`externalRef`, looked up with GET /tasks?externalRef=system:id) and the
// thread it was escalated from.
import { escalationOfTask } from "../../db/repos/escalation.repo.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import type { ServiceContext } from "../context.ts";
import { externalRefOf, linkExternalRef, objectByExternalRef, parseExternalRefLookup, type ExternalRef } from "../apps/external-ref.service.ts";
import { createTask, getTask, type TaskView } from "./task.service.ts";
import { conflict } from "../../domain/errors.ts";
import { isPendingChange, type PendingTaskChange } from "./task-change.service.ts";

export type LinkedTaskView = TaskView & { externalRef: ExternalRef | null; escalatedFrom: { postId: string; postUri: string } | null };

export async function withLinks(ctx: ServiceContext, view: TaskView): Promise<LinkedTaskView> {
  const escalation = await escalationOfTask(ctx.db, view.id);
  const post = escalation ? await findPostById(ctx.db, escalation.post_id) : undefined;
  return {
    ...view,
    externalRef: await externalRefOf(ctx.db, "task", view.id),
    escalatedFrom: post ? { postId: post.id, postUri: post.uri } : null,
  };
}

export async function createLinkedTask(
  ctx: ServiceContext,
  username: string,
  groupRef: string,
  fields: Parameters<typeof createTask>[3],
  externalRef: ExternalRef | undefined,
): Promise<LinkedTaskView | PendingTaskChange> {
  // Refuse before creating: a task on another instance's board cannot be taken back.
  if (externalRef) {
    const existing = await objectByExternalRef(ctx.db, "task", externalRef.system, externalRef.id);
    if (existing) throw conflict(`${externalRef.system}:${externalRef.id} is already task ${existing}`, { existing });
  }
  // At another instance's home the link is made once it confirms (the reference travels with the change).
  const view = await createTask(ctx, username, groupRef, externalRef ? { ...fields, externalRef } : fields);
  if (isPendingChange(view)) return view;
  if (externalRef) await ctx.db.transaction().execute((trx) => linkExternalRef(trx, "task", view.id, externalRef));
  return withLinks(ctx, view);
}

export async function getLinkedTask(ctx: ServiceContext, taskId: string, viewerId: string | null): Promise<LinkedTaskView> {
  return withLinks(ctx, await getTask(ctx, taskId, viewerId));
}

/** The task (0 or 1) an external record maps to, if the viewer may see it. */
export async function tasksByExternalRef(ctx: ServiceContext, lookup: string, viewerId: string | null): Promise<LinkedTaskView[]> {
  const { system, id } = parseExternalRefLookup(lookup);
  const taskId = await objectByExternalRef(ctx.db, "task", system, id);
  if (!taskId) return [];
  try {
    return [await getLinkedTask(ctx, taskId, viewerId)];
  } catch {
    return []; // not visible to this viewer: as if it did not exist
  }
}
