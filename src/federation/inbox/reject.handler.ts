// Reject(Follow): a remote account declined our follow request.
import type { Reject } from "@fedify/vocab";
import { receiveFollowRejected } from "../../services/accounts/follow.service.ts";
import { describe, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { followReference } from "./follow-reference.ts";
import { handledAsRoomAnswer } from "./room-answer.ts";

export async function onReject(ctx: EcotoneInboxContext, reject: Reject): Promise<void> {
  const incoming = describe(reject, "Reject");
  if (!incoming) return;
  if (await handledAsRoomAnswer(ctx, reject, false)) return;
  const ref = await followReference(ctx, reject);
  if (ref) await receiveFollowRejected(ctx.data, incoming, ref);
}
