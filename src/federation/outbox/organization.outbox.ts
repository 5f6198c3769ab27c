// Our organization changed (name, logo, website, description): an Update of
// the instance actor, which carries it, to one inbox of every instance we
// know. Peers take an instance actor's new profile as the cue to refetch the
// organization at once (organization.service's noticeRemoteDomain), instead
// of 6 hours later. Each local Person's Update goes out as its own event.
import type { Context } from "@fedify/fedify";
import { Update } from "@fedify/vocab";
import { peerInboxes } from "../../db/queries/organization.queries.ts";
import { findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { INSTANCE_ACTOR_IDENTIFIER, instanceActorUri } from "../../domain/uris.ts";
import type { ServiceContext } from "../../services/context.ts";
import { peerAllowed } from "../../services/organizations/federation-policy.service.ts";
import { toActor, toRecipient } from "../mappers/actor.mapper.ts";

export async function sendOrganizationUpdated(ctx: Context<ServiceContext>, activityId: URL): Promise<void> {
  const row = await findActorByUri(ctx.data.db, instanceActorUri(new URL(ctx.origin)));
  if (!row?.is_local) return;
  // Not to instances our federation policy refuses.
  const peers = [];
  for (const peer of await peerInboxes(ctx.data.db)) if (await peerAllowed(ctx.data, new URL(peer.uri).host)) peers.push(peer);
  if (peers.length === 0) return;
  const keys = await ctx.getActorKeyPairs(INSTANCE_ACTOR_IDENTIFIER);
  const actor = toActor(ctx, INSTANCE_ACTOR_IDENTIFIER, row, keys);
  await ctx.sendActivity({ identifier: INSTANCE_ACTOR_IDENTIFIER }, peers.map(toRecipient), new Update({ id: activityId, actor: actor.id, object: actor }), {
    preferSharedInbox: true,
  });
}
