// What a task's home tells other instances, as ForgeFed activities.
//
// Fedify's queue only carries its own vocabulary (ADR 0007), so task
// activities travel through our outbox table instead: each event is expanded
// into one `task.deliver` event per inbox, and each of those is a signed POST
// retried on its own under the one delivery retry policy (the same as
// Fedify's queue), so a dead peer delays nobody else. Snapshots are
// versioned, so a retry that arrives after a newer state changes nothing.
import type { Context } from "@fedify/fedify";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { findTaskById, listAssignees } from "../../db/repos/task.repo.ts";
import type { ActorRow } from "../../db/schema.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { peerAllowed } from "../../services/organizations/federation-policy.service.ts";
import { taskSnapshot } from "../../services/tasks/task.service.ts";
import { forgeFedSettings, postSigned } from "../forgefed/signed-http.ts";
import { nextDeliveryDelayMs, RetryDeliveryLater } from "../delivery-retry.ts";
import { toTicket } from "../forgefed/ticket.mapper.ts";
import { TASK_CONTEXT, type Json } from "../forgefed/vocabulary.ts";
import { FORGEFED_TRIAL_ATTEMPTS, forgeFedDelivery } from "../../domain/peer-software.rules.ts";
import { peerSoftwareOf } from "../peer-software.ts";
import { admittedTo, allowedRecipients, followerRecipients, forgeFedRecipients } from "../recipients.ts";

type TaskEvent = Extract<OutboxEvent, { type: `task.${string}` }>;

/**
 * Where a group's task activities go: its followers and the people named, as
 * a post's (policy and shared-room admission, `followerRecipients`), less the
 * servers known to run software without ForgeFed.
 */
async function inboxesOf(ctx: ServiceContext, group: ActorRow, extra: ActorRow[]): Promise<string[]> {
  const inboxes = new Set<string>();
  for (const f of await forgeFedRecipients(ctx, await followerRecipients(ctx, group.id))) {
    const inbox = f.shared_inbox_url ?? f.inbox_url;
    if (inbox) inboxes.add(inbox);
  }
  for (const actor of await forgeFedRecipients(ctx, await admittedTo(ctx, group.id, await allowedRecipients(ctx, extra)))) {
    const inbox = actor.shared_inbox_url ?? actor.inbox_url;
    if (inbox) inboxes.add(inbox);
  }
  const allowed: string[] = [];
  for (const inbox of inboxes) if (await peerAllowed(ctx, new URL(inbox).host)) allowed.push(inbox);
  return allowed;
}

async function fanOut(ctx: ServiceContext, sender: ActorRow, inboxes: string[], activity: Json): Promise<void> {
  for (const inbox of inboxes) {
    await recordOutboxEvent(ctx.db, { type: "task.deliver", senderId: sender.id, inbox, activity });
  }
  ctx.onOutboxEvent?.();
}

export async function sendTaskEvent(fctx: Context<ServiceContext>, event: TaskEvent, activityId: URL, attempts: number): Promise<void> {
  const ctx = fctx.data;
  switch (event.type) {
    case "task.published": {
      const task = await findTaskById(ctx.db, event.taskId);
      const group = task ? await findActorById(ctx.db, task.group_id) : undefined;
      if (!task || !group) return;
      const assignees: ActorRow[] = [];
      for (const a of await listAssignees(ctx.db, [task.id])) {
        const actor = await findActorById(ctx.db, a.actor_id);
        if (actor) assignees.push(actor);
      }
      const activity = {
        "@context": TASK_CONTEXT,
        id: activityId.href,
        type: event.created ? "Create" : "Update",
        actor: group.uri,
        object: toTicket(await taskSnapshot(ctx, task), false),
        to: [group.followers_url ?? `${group.uri}/followers`],
      };
      return fanOut(ctx, group, await inboxesOf(ctx, group, assignees), activity);
    }
    case "task.deleted": {
      const group = await findActorById(ctx.db, event.groupId);
      if (!group) return;
      // A Tombstone that says it was a Ticket, so receivers know it is a task without looking it up.
      const object = { type: "Tombstone", id: event.taskUri, formerType: "Ticket" };
      const activity = { "@context": TASK_CONTEXT, id: activityId.href, type: "Delete", actor: group.uri, object };
      return fanOut(ctx, group, await inboxesOf(ctx, group, []), activity);
    }
    case "task.offer_accepted": {
      const task = await findTaskById(ctx.db, event.taskId);
      const group = task ? await findActorById(ctx.db, task.group_id) : undefined;
      const offerer = await findActorById(ctx.db, event.offererId);
      if (!task || !group || !offerer?.inbox_url) return;
      const activity = {
        "@context": TASK_CONTEXT,
        id: activityId.href,
        type: "Accept",
        actor: group.uri,
        object: event.offerUri,
        result: task.uri,
        to: [offerer.uri],
      };
      return fanOut(ctx, group, [offerer.inbox_url], activity);
    }
    case "task.assign_requested": {
      const task = await findTaskById(ctx.db, event.taskId);
      const group = task ? await findActorById(ctx.db, task.group_id) : undefined;
      const assignee = await findActorById(ctx.db, event.assigneeId);
      if (!task || !group || !assignee?.inbox_url) return;
      // Someone on a server without ForgeFed is asked in the companion Note's mention instead.
      if ((await forgeFedRecipients(ctx, [assignee])).length === 0) return;
      // Nor is anyone of an organization the room does not admit.
      if ((await admittedTo(ctx, group.id, [assignee])).length === 0) return;
      // The Ticket rides along, so the assignee's instance can show what is asked even before the board's announcements arrive.
      const activity = {
        "@context": TASK_CONTEXT,
        id: event.activityUri,
        type: "Assign",
        actor: group.uri,
        object: toTicket(await taskSnapshot(ctx, task), false),
        target: assignee.uri,
        to: [assignee.uri],
      };
      return fanOut(ctx, group, [assignee.inbox_url], activity);
    }
    case "task.deliver": {
      const sender = await findActorById(ctx.db, event.senderId);
      if (!sender?.is_local) return;
      // `attempts` counts this try (the claim counts it); the policy counts the tries before it, as Fedify's queue does.
      const earlierAttempts = Math.max(0, attempts - 1);
      let response: Response;
      try {
        response = await postSigned(fctx, sender.username, event.inbox, event.activity);
      } catch (error) {
        return retryOrGiveUp(fctx, event.inbox, earlierAttempts, `${event.inbox} unreachable: ${(error as Error).message}`);
      }
      await response.body?.cancel();
      if (response.ok) return;
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      // A server we could not identify that fails on ForgeFed most likely does not speak it.
      const trial =
        response.status >= 500 &&
        attempts >= FORGEFED_TRIAL_ATTEMPTS &&
        forgeFedDelivery((await peerSoftwareOf(ctx, [{ uri: event.inbox }])).get(new URL(event.inbox).host) ?? null) === "try";
      if (permanent || trial) {
        ctx.logger.warn({ inbox: event.inbox, status: response.status, attempts }, "task delivery given up");
        return;
      }
      return retryOrGiveUp(fctx, event.inbox, earlierAttempts, `${event.inbox} answered ${response.status}`);
    }
  }
}

/** The one retry policy decides: throw to be tried again after its delay, or log and drop. */
function retryOrGiveUp(fctx: Context<ServiceContext>, inbox: string, earlierAttempts: number, reason: string): void {
  const delayMs = nextDeliveryDelayMs(forgeFedSettings(fctx).retryPolicy, earlierAttempts);
  if (delayMs === null) {
    fctx.data.logger.warn({ inbox, attempts: earlierAttempts + 1, reason }, "task delivery given up after the retry policy's last attempt");
    return;
  }
  throw new RetryDeliveryLater(reason, delayMs);
}
