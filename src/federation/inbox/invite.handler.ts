// Invite addressed to our instance actor: another instance's shared room
// invites our organization. The group must sign it and name itself; our admin
// answers later (the outbox sends the Accept or Reject).
import type { Invite } from "@fedify/vocab";
import { instanceActorUri } from "../../domain/uris.ts";
import { receiveRoomInvitation } from "../../services/shared-room.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onInvite(ctx: EcotoneInboxContext, invite: Invite): Promise<void> {
  const incoming = describe(invite, "Invite");
  if (!incoming || invite.targetId?.href !== instanceActorUri(ctx.data.origin)) return;
  if (invite.objectId?.href !== incoming.actorUri) return;
  const group = await rememberSender(ctx, invite);
  if (group) await receiveRoomInvitation(ctx.data, incoming, group);
}
