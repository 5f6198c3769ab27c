// Accept(Follow): a remote account approved our follow request.
import type { Accept } from "@fedify/vocab";
import { receiveFollowAccepted } from "../../services/accounts/follow.service.ts";
import { describe, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { followReference } from "./follow-reference.ts";
import { handledAsRoomAnswer } from "./room-answer.ts";

export async function onAccept(ctx: EcotoneInboxContext, accept: Accept): Promise<void> {
  const incoming = describe(accept, "Accept");
  if (!incoming) return;
  if (await handledAsRoomAnswer(ctx, accept, true)) return;
  const ref = await followReference(ctx, accept);
  if (ref) await receiveFollowAccepted(ctx.data, incoming, ref);
}
