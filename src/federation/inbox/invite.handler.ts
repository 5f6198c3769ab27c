// Invite: a group on another instance invites one of our users. A secret
// group cannot be found by its handle (no WebFinger answer for outsiders), so
// we keep the group's actor now — fetched signed by our instance actor, which
// the group's home shows it to because the invitee is ours — and the invitee
// can then join it by its handle.
import type { Invite } from "@fedify/vocab";
import { findCachedActor } from "../../services/actor.service.ts";
import { rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onInvite(ctx: EcotoneInboxContext, invite: Invite): Promise<void> {
  const invitee = invite.targetIds[0] ?? null;
  if (!invitee || invitee.origin !== ctx.origin) return;
  const local = await findCachedActor(ctx.data, invitee.href);
  if (!local?.is_local) return;
  const group = await rememberSender(ctx, invite);
  if (!group || group.type !== "Group") return;
  ctx.data.logger.info({ group: group.uri, invitee: invitee.href }, "invited to a group on another instance");
}
