// Shared rooms on the wire: our room's Invite to another organization's
// instance actor, and our instance actor's Accept or Reject of a room
// invitation (a Reject after an Accept means we leave the room).
import type { Context } from "@fedify/fedify";
import { Accept, Invite, Reject } from "@fedify/vocab";
import { findOrganization } from "../../db/repos/organization.repo.ts";
import { findRoomInvitation } from "../../db/repos/shared-room.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import { INSTANCE_ACTOR_IDENTIFIER, instanceActorUri } from "../../domain/uris.ts";
import type { ServiceContext } from "../../services/context.ts";
import { learnOrganization } from "../../services/organizations/organization.service.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";

type RoomOutboxEvent = Extract<OutboxEvent, { type: `room.${string}` }>;

export async function sendRoomEvent(ctx: Context<ServiceContext>, event: RoomOutboxEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  if (event.type === "room.org_invited") {
    const group = await findActorById(db, event.groupId);
    if (!group?.is_local) return;
    let actorUri = (await findOrganization(db, event.domain))?.actor_uri ?? null;
    if (!actorUri) actorUri = (await learnOrganization(ctx.data, event.domain))?.actorUri ?? null;
    // Thrown, so the outbox tries again later: the peer may be down.
    if (!actorUri || !ctx.data.remote) throw new Error(`${event.domain} publishes no instance actor to invite`);
    const orgActor = await ctx.data.remote.resolveActor(actorUri);
    await ctx.sendActivity(
      { identifier: group.username },
      toRecipient(orgActor),
      new Invite({
        id: new URL(event.inviteUri),
        actor: new URL(group.uri),
        object: new URL(group.uri),
        target: new URL(orgActor.uri),
        tos: [new URL(orgActor.uri)],
      }),
    );
    return;
  }
  const invitation = await findRoomInvitation(db, event.invitationId);
  const group = invitation ? await findActorById(db, invitation.group_id) : undefined;
  if (!invitation || !group) return;
  const values = { id: activityId, actor: new URL(instanceActorUri(ctx.data.origin)), object: new URL(invitation.invite_uri), tos: [new URL(group.uri)] };
  await ctx.sendActivity({ identifier: INSTANCE_ACTOR_IDENTIFIER }, toRecipient(group), event.accepted ? new Accept(values) : new Reject(values));
}
