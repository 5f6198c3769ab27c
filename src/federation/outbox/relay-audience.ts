// Who a local group relays to: its admitted followers and the software each
// of their servers runs. Read once per run of likes in an outbox batch
// instead of once per like (docs/performance.md, "Session 9 (slow peer)"):
// at 50 likes a second those three reads were a tenth of a like's statements.
//
// Shared only between the events of one batch that run side by side (likes
// and their withdrawals: outbox-lanes.ts). Any other event (a follow, a ban,
// a role change) runs alone, and before it the processor forgets what was
// read, so an audience it changes is read again. Nothing outlives the batch:
// a peer blocked or a follower gone counts from the next batch on.
import type { Context } from "@fedify/fedify";
import type { FollowerInbox } from "../../db/queries/follow.queries.ts";
import type { ServiceContext } from "../../services/context.ts";
import { peerSoftwareOf } from "../peer-software.ts";
import { followerRecipients } from "../recipients.ts";

export interface RelayAudience {
  followers: FollowerInbox[];
  /** Software by host, null when unknown. */
  software: Map<string, string | null>;
}

async function readRelayAudience(ctx: ServiceContext, groupId: string): Promise<RelayAudience> {
  const followers = await followerRecipients(ctx, groupId);
  return { followers, software: await peerSoftwareOf(ctx, followers) };
}

/** Per batch context (the processor's), the audiences read so far, by group. */
const sharedIn = new WeakMap<Context<ServiceContext>, Map<string, Promise<RelayAudience>>>();

/** Lets the events of `ctx` that run side by side share their groups' audiences, until `forgetRelayAudiences`. */
export function shareRelayAudiences(ctx: Context<ServiceContext>): void {
  sharedIn.set(ctx, new Map());
}

export function forgetRelayAudiences(ctx: Context<ServiceContext>): void {
  sharedIn.get(ctx)?.clear();
}

export function relayAudienceOf(ctx: Context<ServiceContext>, groupId: string): Promise<RelayAudience> {
  const shared = sharedIn.get(ctx);
  if (!shared) return readRelayAudience(ctx.data, groupId);
  let audience = shared.get(groupId);
  if (!audience) {
    audience = readRelayAudience(ctx.data, groupId);
    // A failed read is not kept: the event's retry reads again.
    audience.catch(() => shared.delete(groupId));
    shared.set(groupId, audience);
  }
  return audience;
}
