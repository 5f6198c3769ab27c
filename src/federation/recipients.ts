// Delivery targets, filtered by the federation policy: nothing is sent to a
// blocked host, or to a host outside the allowlist. Our own actors are never
// delivered to over HTTP.
import { remoteFollowerInboxes, type FollowerInbox } from "../db/queries/follow.queries.ts";
import type { ActorRow, PostRow } from "../db/schema.ts";
import type { ServiceContext } from "../services/context.ts";
import { peerAllowed } from "../services/organizations/federation-policy.service.ts";
import { canSeePost, hostsAdmittedTo, viewerOf } from "../services/visibility.service.ts";
import { forgeFedDelivery } from "../domain/peer-software.rules.ts";
import { peerSoftwareOf } from "./peer-software.ts";

export async function allowedRecipients<A extends Pick<ActorRow, "is_local" | "gone_at" | "uri">>(ctx: ServiceContext, actors: A[]): Promise<A[]> {
  const result: A[] = [];
  for (const actor of actors) {
    if (actor.is_local || actor.gone_at) continue;
    if (await peerAllowed(ctx, new URL(actor.uri).host)) result.push(actor);
  }
  return result;
}

export async function isAllowedRecipient(ctx: ServiceContext, actor: Pick<ActorRow, "is_local" | "gone_at" | "uri">): Promise<boolean> {
  return (await allowedRecipients(ctx, [actor])).length === 1;
}

/** An actor's followers on other servers that we may deliver to (local and gone ones are left out by the query). */
export async function followerRecipients(ctx: ServiceContext, actorId: string): Promise<FollowerInbox[]> {
  const all = await remoteFollowerInboxes(ctx.db, actorId);
  // The policy is per host: asked once per host, not once per follower.
  const hosts = new Map<string, boolean>();
  for (const host of new Set(all.map((f) => new URL(f.uri).host))) hosts.set(host, await peerAllowed(ctx, host));
  return admittedTo(
    ctx,
    actorId,
    all.filter((f) => hosts.get(new URL(f.uri).host)),
  );
}

/**
 * Of `actors`, those a group's room admits: a shared room's posts and tasks
 * reach only the organizations it admits, whoever else still follows it or is
 * named (security finding 43). Anything but a shared room admits everyone.
 */
export async function admittedTo<T extends Pick<ActorRow, "domain">>(ctx: ServiceContext, groupId: string, actors: T[]): Promise<T[]> {
  const admitted = await hostsAdmittedTo(ctx, groupId, [...new Set(actors.map((a) => a.domain))]);
  return admitted ? actors.filter((a) => admitted.has(a.domain)) : actors;
}

/**
 * Who receives ForgeFed (`Ticket`…) activities: not servers known to run
 * software without ForgeFed, which see the task's companion Note instead.
 */
export async function forgeFedRecipients<T extends { uri: string }>(ctx: ServiceContext, actors: T[]): Promise<T[]> {
  const software = await peerSoftwareOf(ctx, actors);
  return actors.filter((a) => forgeFedDelivery(software.get(new URL(a.uri).host) ?? null) !== "skip");
}

/**
 * Of `people`, those who may read `post` now, by the one visibility rule. Who
 * is sent a post straight from its author's server (a group post's named
 * people, a poll's voters) must be in its audience: someone outside it (a
 * members-only group's outsider, a banned member, a shared room's unadmitted
 * company, a removed follower) must not get it or its edits (security finding 44).
 */
export async function mayRead(ctx: ServiceContext, post: PostRow, people: ActorRow[]): Promise<ActorRow[]> {
  const allowed = await Promise.all(people.map((person) => canSeePost(ctx, viewerOf(person.id), post)));
  return people.filter((_, i) => allowed[i]);
}
