// Invite, two kinds:
// - to our instance actor: another instance's shared room invites our
//   organization (the group signs it and names itself); our admin answers
//   later, and the outbox sends the Accept or Reject.
// - to one of our users: a group on another instance invites them. A secret
//   group cannot be found by its handle (no WebFinger answer for outsiders),
//   so we keep the group's actor now — fetched signed by our instance actor,
//   which the group's home shows it to because the invitee is ours — and the
//   invitee can then join it by its handle.
import type { Invite } from "@fedify/vocab";
import { instanceActorUri } from "../../domain/uris.ts";
import { findCachedActor } from "../../services/accounts/actor.service.ts";
import { receiveRoomInvitation } from "../../services/groups/shared-room.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function onInvite(ctx: EcotoneInboxContext, invite: Invite): Promise<void> {
  const invitee = invite.targetIds[0] ?? null;
  if (!invitee || !sameOrigin(invitee.href, ctx.origin)) return;
  if (invitee.href === instanceActorUri(ctx.data.origin)) {
    const incoming = describe(invite, "Invite");
    if (!incoming || invite.objectId?.href !== incoming.actorUri) return;
    const group = await rememberSender(ctx, invite);
    if (group) await receiveRoomInvitation(ctx.data, incoming, group);
    return;
  }
  const local = await findCachedActor(ctx.data, invitee.href);
  if (!local?.is_local) return;
  const group = await rememberSender(ctx, invite);
  if (!group || group.type !== "Group") return;
  ctx.data.logger.info({ group: group.uri, invitee: invitee.href }, "invited to a group on another instance");
}
