// Relationship entities (docs.joinmastodon.org/entities/Relationship): follows,
// mutes, blocks and domain blocks between the caller and some accounts, in batch.
import type { ServiceContext } from "../../services/context.ts";
import { hiddenFactsFor } from "../../services/accounts/block.service.ts";
import { getActorById } from "../../services/accounts/actor.service.ts";
import { getRelationships } from "../../services/posts/timeline.service.ts";

export async function renderRelationships(ctx: ServiceContext, viewerId: string, ids: string[]) {
  const [follows, hidden, actors] = await Promise.all([
    getRelationships(ctx, viewerId, ids),
    hiddenFactsFor(ctx, viewerId, ids),
    Promise.all(ids.map((id) => getActorById(ctx, id))),
  ]);
  return ids.map((id, index) => {
    const rel = follows.get(id) ?? { following: false, requested: false, followedBy: false };
    const mute = hidden.muting.get(id);
    const domain = actors[index]?.domain;
    return {
      id,
      following: rel.following,
      showing_reblogs: rel.following,
      notifying: false,
      languages: null,
      followed_by: rel.followedBy,
      blocking: hidden.blocking.has(id),
      blocked_by: hidden.blockedBy.has(id),
      muting: mute !== undefined,
      muting_notifications: mute?.notifications ?? false,
      requested: rel.requested,
      requested_by: false,
      domain_blocking: domain !== undefined && hidden.domains.has(domain),
      endorsed: false,
      note: "",
    };
  });
}

export async function renderRelationship(ctx: ServiceContext, viewerId: string, id: string) {
  return (await renderRelationships(ctx, viewerId, [id]))[0]!;
}
