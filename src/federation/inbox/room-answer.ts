// Accept or Reject of one of our shared rooms' organization invitations.
// Checked before the Follow handling: true when the activity was about a room.
import type { Activity } from "@fedify/vocab";
import { receiveRoomAnswer } from "../../services/groups/shared-room.service.ts";
import { describe, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function handledAsRoomAnswer(ctx: EcotoneInboxContext, activity: Activity, accepted: boolean): Promise<boolean> {
  const objectId = activity.objectId;
  const incoming = describe(activity, accepted ? "Accept" : "Reject");
  if (!incoming || !objectId || !sameOrigin(objectId.href, ctx.origin) || !objectId.pathname.startsWith("/rooms/")) return false;
  return receiveRoomAnswer(ctx.data, incoming, objectId.href, accepted);
}
