// A member on this instance changes a task whose group lives elsewhere: the
// change goes to the group's home as a ForgeFed activity signed by the
// member, sent by the outbox (task-change.service.ts records it), and the
// home's Accept or Reject comes back to settle it. The home is the only
// source of truth, so nothing is changed here before it agrees.
import type { Context } from "@fedify/fedify";
import { listAssignees } from "../../db/repos/task.repo.ts";
import type { ActorRow, TaskRow } from "../../db/schema.ts";
import { DomainError, unavailable, type ErrorCode } from "../../domain/errors.ts";
import type { taskChangeToSend } from "../../services/tasks/task-change.service.ts";
import { newActivityKey } from "../../domain/ids.ts";
import type { TaskCommand } from "../../domain/task.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import { postSigned } from "./signed-http.ts";
import { boardUriOf, fieldsToTicket } from "./ticket.mapper.ts";
import { TASK_CONTEXT, type Json } from "./vocabulary.ts";

const KNOWN_CODES: ErrorCode[] = ["validation_failed", "not_found", "conflict", "forbidden", "unauthorized", "rate_limited", "unavailable"];

/** Statuses that resolve a task on any Ecotone board unless renamed. */
const RESOLVING = new Set(["done", "cancelled"]);

export async function commandActivity(
  ctx: ServiceContext,
  sender: ActorRow,
  group: ActorRow,
  task: TaskRow | null,
  command: TaskCommand,
  id: string = new URL(`/tasks/activities/${newActivityKey()}`, ctx.origin).href,
): Promise<Json> {
  const base = {
    "@context": TASK_CONTEXT,
    id,
    actor: sender.uri,
    to: [group.uri],
  };
  const taskUri = task?.uri ?? "";
  switch (command.kind) {
    case "create":
      return {
        ...base,
        type: "Offer",
        object: { ...fieldsToTicket(command.fields), attributedTo: sender.uri, audience: group.uri, context: boardUriOf(group.uri) },
        target: boardUriOf(group.uri),
        audience: group.uri,
      };
    case "edit":
      return { ...base, type: "Update", object: { ...fieldsToTicket(command.fields), id: taskUri, version: command.baseVersion } };
    case "status": {
      const version = command.baseVersion !== undefined ? { version: command.baseVersion } : {};
      if (RESOLVING.has(command.status)) return { ...base, type: "Resolve", object: taskUri, status: command.status, ...version };
      if (task?.closed) {
        return { ...base, type: "Undo", object: { type: "Resolve", actor: sender.uri, object: taskUri }, status: command.status, ...version };
      }
      return { ...base, type: "Update", object: { type: "Ticket", id: taskUri, status: command.status, ...version } };
    }
    case "assign":
      return { ...base, type: "Assign", object: taskUri, target: command.assigneeUri };
    case "unassign":
      return { ...base, type: "Undo", object: { type: "Assign", actor: sender.uri, object: taskUri, target: command.assigneeUri } };
    case "respond": {
      const mine = task ? (await listAssignees(ctx.db, [task.id])).find((a) => a.actor_id === sender.id) : undefined;
      if (!mine?.assign_activity_uri) throw new DomainError("validation_failed", "You have no pending assignment on this task");
      return { ...base, type: command.accept ? "Accept" : "Reject", object: mine.assign_activity_uri };
    }
    case "delete":
      return { ...base, type: "Delete", object: taskUri };
  }
}

/**
 * Sends one pending change to the group's home. The home answers later with
 * Accept or Reject (task-inbox.ts settles it); what this returns is only
 * what the POST itself said: an older home answers at once with the Ticket
 * (or 204 once deleted), and any home refuses a bad signature or a gate
 * failure right away.
 */
export async function sendTaskChange(fctx: Context<ServiceContext>, change: NonNullable<Awaited<ReturnType<typeof taskChangeToSend>>>): Promise<Response> {
  const { row, actor, group, task } = change;
  const inbox = group.inbox_url ?? group.shared_inbox_url;
  if (!inbox) throw unavailable(`The group ${group.uri} has no inbox`);
  const activity = await commandActivity(fctx.data, actor, group, task, row.command, row.activity_uri);
  return postSigned(fctx, actor.username, inbox, activity);
}

/** What a refused POST said, in the API's terms (our own error JSON, or just the status). */
export function refusalOf(status: number, body: string, host: string): { code: ErrorCode; message: string } {
  let refusal: { code?: string; message?: string } = {};
  try {
    refusal = (JSON.parse(body) as { error?: typeof refusal }).error ?? {};
  } catch {
    // Not one of ours: fall back to the status code.
  }
  const code = KNOWN_CODES.includes(refusal.code as ErrorCode) ? (refusal.code as ErrorCode) : "unavailable";
  return { code, message: refusal.message ?? `${host} refused the change (HTTP ${status})` };
}
