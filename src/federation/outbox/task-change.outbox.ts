// The two halves of a member's change to a remote group's task that travel
// through the outbox: the member's instance sends the change to the home
// (`task.change_requested`), and the home answers it (`task.change_answered`)
// with Accept and the Ticket as it now is, or Reject and the reason. Both
// are signed POSTs under the one delivery retry policy.
import type { Context } from "@fedify/fedify";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { findTaskByUri } from "../../db/repos/task.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { settleRemoteChange, taskChangeToSend } from "../../services/tasks/task-change.service.ts";
import { taskSnapshot } from "../../services/tasks/task.service.ts";
import { nextDeliveryDelayMs, RetryDeliveryLater } from "../delivery-retry.ts";
import { refusalOf, sendTaskChange } from "../forgefed/commands.ts";
import { forgeFedSettings } from "../forgefed/signed-http.ts";
import { fromTicket, toTicket } from "../forgefed/ticket.mapper.ts";
import { TASK_CONTEXT, type Json } from "../forgefed/vocabulary.ts";

type Requested = Extract<OutboxEvent, { type: "task.change_requested" }>;
type Answered = Extract<OutboxEvent, { type: "task.change_answered" }>;

export async function sendChangeRequest(fctx: Context<ServiceContext>, event: Requested, attempts: number): Promise<void> {
  const ctx = fctx.data;
  const change = await taskChangeToSend(ctx, event.changeId);
  if (!change) return; // settled meanwhile, or gone with its author
  const host = new URL(change.group.uri).host;
  const settle = (answer: Parameters<typeof settleRemoteChange>[3]) => settleRemoteChange(ctx, change.group, change.row.activity_uri, answer);
  let response: Response;
  try {
    response = await sendTaskChange(fctx, change);
  } catch (error) {
    return retryOrRefuse(fctx, attempts, `Could not reach ${host} (${(error as Error).message})`, settle);
  }
  const body = await response.text();
  if (response.status === 202) return; // the home's Accept or Reject settles it
  if (response.status === 204) return settle({ accepted: true, snapshot: null });
  if (response.ok) {
    // An older home answers with the Ticket right away.
    try {
      return await settle({ accepted: true, snapshot: fromTicket(JSON.parse(body) as Json) });
    } catch {
      return; // its announcement of the task refreshes our copy; the change stays pending
    }
  }
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  if (retryable) return retryOrRefuse(fctx, attempts, `${host} answered HTTP ${response.status}`, settle);
  return settle({ accepted: false, ...refusalOf(response.status, body, host) });
}

async function retryOrRefuse(
  fctx: Context<ServiceContext>,
  attempts: number,
  reason: string,
  settle: (answer: { accepted: false; code: string; message: string }) => Promise<void>,
): Promise<void> {
  const delayMs = nextDeliveryDelayMs(forgeFedSettings(fctx).retryPolicy, Math.max(0, attempts - 1));
  if (delayMs !== null) throw new RetryDeliveryLater(reason, delayMs);
  await settle({ accepted: false, code: "unavailable", message: `${reason}; the change was not made, try again` });
}

/** The home's answer goes out as one signed delivery to the member's inbox. */
export async function sendChangeAnswer(fctx: Context<ServiceContext>, event: Answered, activityId: URL): Promise<void> {
  const ctx = fctx.data;
  const [group, member] = await Promise.all([findActorById(ctx.db, event.groupId), findActorById(ctx.db, event.memberId)]);
  const inbox = member?.shared_inbox_url ?? member?.inbox_url;
  if (!group?.is_local || !member || member.is_local || !inbox) return;
  const base = { "@context": TASK_CONTEXT, id: activityId.href, actor: group.uri, object: event.activityUri, to: [member.uri] };
  let activity: Json;
  if (event.refusal) {
    activity = { ...base, type: "Reject", summary: event.refusal.message, refusal: event.refusal.code };
  } else {
    const task = event.taskUri ? await findTaskByUri(ctx.db, event.taskUri) : undefined;
    activity = { ...base, type: "Accept", ...(task ? { result: toTicket(await taskSnapshot(ctx, task), false) } : {}) };
  }
  await recordOutboxEvent(ctx.db, { type: "task.deliver", senderId: group.id, inbox, activity });
  ctx.onOutboxEvent?.();
}
