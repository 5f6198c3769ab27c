// ForgeFed activities arriving at an inbox. They never reach Fedify's
// listeners (its parser refuses Ticket, Assign and Resolve; ADR 0007), so
// they are verified here with Fedify's own functions, passed through the one
// trust gate and applied once (the inbox log). A member's change to one of
// our groups' tasks is answered 202, then by Accept with the Ticket as it
// now is, or Reject with the reason (a stale version: conflict).
import type { Federation } from "@fedify/fedify";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";
import { findTaskById, findTaskByUri } from "../../db/repos/task.repo.ts";
import type { ActorRow, TaskRow } from "../../db/schema.ts";
import { DomainError, forbidden, HTTP_STATUS, notFound, validationFailed } from "../../domain/errors.ts";
import { initialStatus, type TaskCommand } from "../../domain/task.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import { applyAtHome, boardStatuses, type MemberChange } from "../../services/tasks/task-home.service.ts";
import type { IncomingActivity } from "../../services/incoming.ts";
import { removeTaskCopy, storeTaskSnapshot } from "../../services/tasks/task-copy.service.ts";
import { settleRemoteChange } from "../../services/tasks/task-change.service.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import type { GroupWithActor } from "../../db/queries/group.queries.ts";
import { verifySender } from "./signed-http.ts";
import { admissionRefusal } from "../inbox/gate.ts";
import { fromTicket, ticketFields } from "./ticket.mapper.ts";
import { hasType, idOf, isOurTaskUri, text, typeNames, type Json } from "./vocabulary.ts";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/activity+json", ...headers } });
}

function refusal(error: DomainError): Response {
  return json(HTTP_STATUS[error.code], { error: { code: error.code, message: error.message, details: error.details } });
}

/**
 * Is this activity about tasks (ours, or copies we keep)? Everything else
 * goes to Fedify. Decided from the activity alone, never the database: this
 * runs on every inbox POST, and a flood of Deletes must not become a flood
 * of lookups. A home's Delete names a Tombstone whose `formerType` is
 * Ticket; an older Ecotone home sends the bare URI of a task it hosts, which
 * is `/tasks/{id}` on the signer's own origin.
 */
export function isTaskActivity(ctx: ServiceContext, activity: Json): boolean {
  const types = typeNames(activity.type);
  if (types.includes("Assign") || types.includes("Resolve")) return true;
  const object = activity.object;
  if (hasType(object, "Ticket") || hasType(object, "Resolve") || hasType(object, "Assign")) return true;
  const objectId = idOf(object);
  if (isOurTaskUri(objectId, ctx.origin)) return true;
  if (!types.includes("Delete") || objectId === null) return false;
  if (object && typeof object === "object" && typeNames((object as Json).formerType).includes("Ticket")) return true;
  return isTaskUriOf(objectId, idOf(activity.actor));
}

/** `/tasks/{id}` on the actor's own origin: how an Ecotone home names its tasks. */
function isTaskUriOf(objectId: string, actorUri: string | null): boolean {
  if (!sameOrigin(objectId, actorUri)) return false;
  return /^\/tasks\/\d{19}$/.test(new URL(objectId).pathname);
}

/** Handles a POSTed task activity; `request` still carries its body for the signature check. */
export async function receiveTaskActivity(federation: Federation<ServiceContext>, ctx: ServiceContext, request: Request, activity: Json): Promise<Response> {
  const fctx = federation.createContext(request, ctx);
  const sender = await verifySender(fctx, request);
  if (!sender) return json(401, { error: { code: "unauthorized", message: "A valid HTTP signature by the activity's actor is required" } });
  if (sender.actor.uri !== idOf(activity.actor)) {
    return json(401, { error: { code: "unauthorized", message: "The request is signed by another actor than the activity's" } });
  }
  // The same gate as every other activity (src/federation/inbox/gate.ts).
  const gateRefusal = await admissionRefusal(ctx, text(activity.id) ?? null, sender.actor.uri);
  if (gateRefusal) {
    ctx.logger.info({ activity: activity.id, actor: sender.actor.uri, reason: gateRefusal }, "task activity refused at the gate");
    return json(403, { error: { code: "forbidden", message: gateRefusal } });
  }
  try {
    return await dispatch(ctx, sender.actor, activity);
  } catch (error) {
    if (error instanceof DomainError) {
      ctx.logger.info({ activity: activity.id, code: error.code, reason: error.message }, "task activity refused");
      return refusal(error);
    }
    throw error;
  }
}

async function dispatch(ctx: ServiceContext, sender: ActorRow, activity: Json): Promise<Response> {
  const types = typeNames(activity.type);
  const object = activity.object as Json | string | undefined;
  const objectId = idOf(object);
  const incoming = { uri: text(activity.id) ?? "", type: types[0] ?? "?", actorUri: sender.uri };
  if (!incoming.uri) throw validationFailed("The activity has no id");

  // From a group's home: a new state of one of its tasks, for our copy.
  if (sender.type === "Group" && hasType(object, "Ticket") && (types.includes("Create") || types.includes("Update") || types.includes("Assign"))) {
    await storeTaskSnapshot(ctx, sender, fromTicket(object as Json));
    return new Response(null, { status: 202 });
  }
  if (sender.type === "Group" && types.includes("Delete") && objectId) {
    await removeTaskCopy(ctx, sender, objectId);
    return new Response(null, { status: 202 });
  }
  if ((types.includes("Accept") || types.includes("Reject")) && objectId?.startsWith(new URL("/tasks/activities/", ctx.origin).href)) {
    await settleOurChange(ctx, sender, activity, objectId, types.includes("Accept"));
    return new Response(null, { status: 202 });
  }

  // From a member: a change to one of our tasks, answered by Accept or Reject (task-change.outbox.ts).
  if (types.includes("Offer") && hasType(object, "Ticket")) {
    const groupUri = idOf(activity.audience) ?? idOf((object as Json).audience) ?? [activity.to].flat().map(idOf).find(Boolean) ?? null;
    const group = groupUri ? await findActorByUri(ctx.db, groupUri) : undefined;
    const home = group?.is_local && group.type === "Group" ? await findGroupByActorId(ctx.db, group.id) : undefined;
    if (!home) throw notFound("No such group here (audience)");
    const fields = ticketFields(object as Json);
    return answerMember(ctx, sender, home, incoming, (change) =>
      applyAtHome(ctx, sender, home, null, { kind: "create", fields: { ...fields, title: fields.title ?? "" }, offerUri: incoming.uri }, change),
    );
  }

  const { taskUri, command } = await commandFor(ctx, types, activity, object, objectId);
  const task = await findTaskByUri(ctx.db, taskUri);
  const home = task?.is_home ? await findGroupByActorId(ctx.db, task.group_id) : undefined;
  if (!task || !home) throw notFound("No such task here");
  return answerMember(ctx, sender, home, incoming, (change) => applyAtHome(ctx, sender, home, taskUri, command, change));
}

/**
 * Applies a member's change and queues the answer: Accept with the task as
 * it now is (recorded in the change's own transaction), or Reject with the
 * reason the change was refused. A change that changed nothing (already so)
 * or a repeated delivery is answered with Accept again. The POST itself is
 * answered 202 either way; the answer travels like every other delivery, so
 * a member that is briefly away still gets it.
 */
async function answerMember(
  ctx: ServiceContext,
  sender: ActorRow,
  home: GroupWithActor,
  incoming: IncomingActivity,
  apply: (change: MemberChange) => Promise<TaskRow | null>,
): Promise<Response> {
  const activityUri = incoming.uri;
  const change: MemberChange = { ...incoming, answer: { memberId: sender.id, groupId: home.actor.id, recorded: false } };
  const answer = { type: "task.change_answered" as const, activityUri, memberId: sender.id, groupId: home.actor.id };
  try {
    const result = await apply(change);
    if (!change.answer.recorded) await recordOutboxEvent(ctx.db, { ...answer, taskUri: result?.uri ?? null });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    ctx.logger.info({ activity: activityUri, code: error.code, reason: error.message }, "task change refused");
    await recordOutboxEvent(ctx.db, { ...answer, taskUri: null, refusal: { code: error.code, message: error.message } });
  }
  ctx.onOutboxEvent?.();
  return new Response(null, { status: 202 });
}

/** The home's answer to a change one of our people sent (only that group may give it). */
async function settleOurChange(ctx: ServiceContext, sender: ActorRow, activity: Json, changeUri: string, accepted: boolean): Promise<void> {
  if (!accepted) {
    const code = text(activity.refusal) ?? "forbidden";
    await settleRemoteChange(ctx, sender, changeUri, {
      accepted: false,
      code,
      message: text(activity.summary) ?? `${new URL(sender.uri).host} refused the change`,
    });
    return;
  }
  const result = activity.result;
  await settleRemoteChange(ctx, sender, changeUri, { accepted: true, snapshot: hasType(result, "Ticket") ? fromTicket(result as Json) : null });
}

/** Which of our tasks an activity changes, and how. */
async function commandFor(
  ctx: ServiceContext,
  types: string[],
  activity: Json,
  object: Json | string | undefined,
  objectId: string | null,
): Promise<{ taskUri: string; command: TaskCommand }> {
  const version = activity.version !== undefined ? Number(activity.version) : undefined;
  if (types.includes("Update") && hasType(object, "Ticket") && objectId) {
    const ticket = object as Json;
    const baseVersion = ticket.version !== undefined ? Number(ticket.version) : undefined;
    const fields = ticketFields(ticket);
    const onlyStatus = typeof ticket.status === "string" && Object.values(fields).every((v) => v === undefined);
    if (onlyStatus) return { taskUri: objectId, command: { kind: "status", baseVersion, status: ticket.status as string } };
    return { taskUri: objectId, command: { kind: "edit", baseVersion, fields } };
  }
  if (types.includes("Resolve") && objectId) {
    const status = text(activity.status) ?? (await firstClosedStatus(ctx, objectId));
    return { taskUri: objectId, command: { kind: "status", baseVersion: version, status } };
  }
  if (types.includes("Undo") && hasType(object, "Resolve")) {
    const taskUri = idOf((object as Json).object) ?? "";
    const status = text(activity.status) ?? (await reopenStatus(ctx, taskUri));
    return { taskUri, command: { kind: "status", baseVersion: version, status } };
  }
  if (types.includes("Assign") && objectId) {
    const target = idOf(activity.target);
    if (!target) throw validationFailed("Assign needs a target: the person to assign");
    return { taskUri: objectId, command: { kind: "assign", assigneeUri: target } };
  }
  if (types.includes("Undo") && hasType(object, "Assign")) {
    const target = idOf((object as Json).target);
    if (!target) throw validationFailed("Undo(Assign) needs the assignment's target");
    return { taskUri: idOf((object as Json).object) ?? "", command: { kind: "unassign", assigneeUri: target } };
  }
  if ((types.includes("Accept") || types.includes("Reject")) && objectId) {
    // An assignment we asked for: /tasks/{id}/assignments/{n}
    const match = /\/tasks\/(\d{19})\/assignments\//.exec(objectId);
    const task = match ? await findTaskById(ctx.db, match[1]!) : undefined;
    if (!task) throw notFound("No such assignment here");
    return { taskUri: task.uri, command: { kind: "respond", accept: types.includes("Accept") } };
  }
  if (types.includes("Delete") && objectId) return { taskUri: objectId, command: { kind: "delete" } };
  throw forbidden(`Activity type ${types.join(", ")} is not understood for tasks`);
}

async function firstClosedStatus(ctx: ServiceContext, taskUri: string): Promise<string> {
  const task = await findTaskByUri(ctx.db, taskUri);
  const statuses = task ? await boardStatuses(ctx, task.group_id) : [];
  return statuses.find((s) => s.key === "done" && s.closed)?.key ?? statuses.find((s) => s.closed)?.key ?? "done";
}

async function reopenStatus(ctx: ServiceContext, taskUri: string): Promise<string> {
  const task = await findTaskByUri(ctx.db, taskUri);
  return task ? initialStatus(await boardStatuses(ctx, task.group_id)).key : "open";
}
