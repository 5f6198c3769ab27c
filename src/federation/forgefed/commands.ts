// A member on this instance changes a task whose group lives elsewhere: the
// change goes to the group's home as a ForgeFed activity, sent at once and
// signed by the member, and the home's answer (the Ticket as it now is, or a
// refusal) comes back to the person who made the change. The home is the
// only source of truth, so nothing is changed here before it agrees.
import type { Context } from "@fedify/fedify";
import { listAssignees } from "../../db/repos/task.repo.ts";
import type { ActorRow, TaskRow } from "../../db/schema.ts";
import { DomainError, unavailable, type ErrorCode } from "../../domain/errors.ts";
import { newActivityKey } from "../../domain/ids.ts";
import type { TaskSnapshot } from "../../domain/task-snapshot.ts";
import type { TaskCommand } from "../../domain/task.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import { postSigned } from "./signed-http.ts";
import { boardUriOf, fieldsToTicket, fromTicket } from "./ticket.mapper.ts";
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
): Promise<Json> {
  const base = {
    "@context": TASK_CONTEXT,
    id: new URL(`/tasks/activities/${newActivityKey()}`, ctx.origin).href,
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

/** Sends the command and turns the home's answer into a snapshot or a DomainError. */
export async function sendTaskCommand(
  fctx: Context<ServiceContext>,
  sender: ActorRow,
  group: ActorRow,
  task: TaskRow | null,
  command: TaskCommand,
): Promise<TaskSnapshot | null> {
  const ctx = fctx.data;
  const inbox = group.inbox_url ?? group.shared_inbox_url;
  if (!inbox) throw unavailable(`The group ${group.uri} has no inbox`);
  const activity = await commandActivity(ctx, sender, group, task, command);
  let response: Response;
  try {
    response = await postSigned(fctx, sender.username, inbox, activity);
  } catch (error) {
    throw unavailable(`Could not reach ${new URL(inbox).host} (${(error as Error).message}); the change was not made, try again`);
  }
  const body = await response.text();
  if (response.status === 204) return null;
  if (response.ok) {
    try {
      return fromTicket(JSON.parse(body) as Json);
    } catch {
      throw unavailable(`${new URL(inbox).host} accepted the change but did not answer with the task; reload it shortly`);
    }
  }
  let refusal: { code?: string; message?: string; details?: Record<string, unknown> } = {};
  try {
    refusal = (JSON.parse(body) as { error?: typeof refusal }).error ?? {};
  } catch {
    // Not one of ours: fall back to the status code.
  }
  const code = KNOWN_CODES.includes(refusal.code as ErrorCode) ? (refusal.code as ErrorCode) : "unavailable";
  throw new DomainError(code, refusal.message ?? `${new URL(inbox).host} refused the change (HTTP ${response.status})`, refusal.details);
}
