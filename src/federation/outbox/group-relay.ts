// The one place a local group's Announce is built and sent (docs/adr/0055).
//
// A group tells each follower's server about a member's activity in the
// shape that server reads:
// - FEP-1b12 servers (Ecotone, Lemmy, PieFed, Mbin, NodeBB, Friendica) get
//   the group's Announce of the activity itself: Create, Update, Delete, Like…
// - Mastodon-family servers (and any server we cannot identify) drop an
//   Announce of an activity. They get the group's Announce of the post, and
//   the post's edits and deletions as the author's own activities, signed by
//   the author: the only sender Mastodon and Hollo take an Update or Delete
//   of a post from. A moderator's removal reaches them the same way, since
//   the removed post no longer exists on its origin.
import type { Context } from "@fedify/fedify";
import { Activity, Announce, Create, Delete, PUBLIC_COLLECTION, Tombstone, Update, type Object as APObject } from "@fedify/vocab";
import type { FollowerInbox } from "../../db/queries/follow.queries.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import type { ActorCard } from "../../db/schema.ts";
import { relayShapeOf } from "../../domain/peer-software.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import type { BatchReads } from "./batch-reads.ts";

function followersOf(group: ActorCard): URL {
  return new URL(group.followers_url ?? `${group.uri}/followers`);
}

export function isPublicActivity(activity: Activity): boolean {
  return activity.toIds.concat(activity.ccIds).some((u) => u.href === PUBLIC_COLLECTION.href);
}

/** The group's Announce of an activity (FEP-1b12) or of a post. */
export function groupAnnounce(group: ActorCard, id: URL, object: Activity | APObject | URL, isPublic: boolean): Announce {
  return new Announce({
    id,
    actor: new URL(group.uri),
    object,
    tos: [followersOf(group)],
    ccs: isPublic ? [PUBLIC_COLLECTION] : [],
  });
}

export interface GroupRelay {
  group: ActorCard;
  /** The member's activity (or the group's own Delete when a moderator removed a post). */
  activity: Activity;
  announceId: URL;
  orderingKey: string;
  /** The post a Create is about: the object itself when it is ours, else its URI. */
  post?: APObject | URL | null;
  /** The post's author, when local: Mastodon-family servers hear edits and deletes from them. */
  localAuthor?: ActorCard | null;
  /** A remote member's activity as it arrived, to forward when it carries the author's proof. */
  raw?: unknown;
}

/**
 * A remote member's edit or deletion, forwarded unchanged when it carries an
 * integrity proof (FEP-8b32) by its author, which survives forwarding: a
 * Fedify-based server (Hollo, Ecotone) takes it as the author's own.
 */
function forwardable(relay: GroupRelay): Record<string, unknown> | null {
  const { activity, raw } = relay;
  if (relay.localAuthor || !(activity instanceof Update || activity instanceof Delete)) return null;
  if (!raw || typeof raw !== "object" || !("proof" in raw)) return null;
  return raw as Record<string, unknown>;
}

async function forward(ctx: Context<ServiceContext>, group: ActorCard, recipients: FollowerInbox[], activity: Record<string, unknown>) {
  const inboxes = new Set(recipients.map((r) => r.shared_inbox_url ?? r.inbox_url).filter((u): u is string => Boolean(u)));
  // One signed POST per inbox, each retried on its own by the outbox.
  for (const inbox of inboxes) await recordOutboxEvent(ctx.data.db, { type: "task.deliver", senderId: group.id, inbox, activity });
  if (inboxes.size > 0) ctx.data.onOutboxEvent?.();
}

/** What a Mastodon-family follower server gets for a relayed activity, if anything. */
function objectShaped(relay: GroupRelay): { sender: string; activity: Activity } | null {
  const { activity, group, localAuthor } = relay;
  if (activity instanceof Create && relay.post) {
    const id = new URL(`${relay.announceId.href}-object`);
    return { sender: group.username, activity: groupAnnounce(group, id, relay.post, isPublicActivity(activity)) };
  }
  if (!localAuthor?.is_local || !(activity instanceof Update || activity instanceof Delete)) return null;
  if (activity.actorId?.href === localAuthor.uri) return { sender: localAuthor.username, activity };
  if (activity instanceof Delete && activity.actorId?.href === group.uri && activity.objectId) {
    // A moderator's removal, told as the deletion it is on the post's origin.
    const asAuthor = new Delete({
      id: new URL(`${activity.id?.href ?? relay.announceId.href}-author`),
      actor: new URL(localAuthor.uri),
      object: new Tombstone({ id: activity.objectId }),
      tos: [followersOf(group)],
    });
    return { sender: localAuthor.username, activity: asAuthor };
  }
  return null;
}

/**
 * Relays `relay.activity` to the group's followers, each server once (shared
 * inboxes), in its own shape. Returns the hosts that received the FEP-1b12
 * Announce, which already tells them everything the activity says. The
 * group's audience comes from `reads`, the batch's (batch-reads.ts).
 */
export async function relayThroughGroup(ctx: Context<ServiceContext>, reads: BatchReads, relay: GroupRelay): Promise<Set<string>> {
  const { followers, software } = await reads.audienceOf(relay.group.id);
  const byShape = { activity: [] as FollowerInbox[], object: [] as FollowerInbox[] };
  for (const f of followers) byShape[relayShapeOf(software.get(new URL(f.uri).host) ?? null)].push(f);
  // Relays run in the outbox processor, already off any request: Fedify's
  // fan-out queue would only add a hop (the whole activity and every
  // member's id written, leased and parsed again as JSON-LD) before the
  // first delivery. Its deliveries are written with the event's "processed"
  // mark instead (ADR 0105, ADR 0110).
  const options = { preferSharedInbox: true, orderingKey: relay.orderingKey, fanout: "skip" as const };
  if (byShape.activity.length > 0) {
    const announce = groupAnnounce(relay.group, relay.announceId, relay.activity, isPublicActivity(relay.activity));
    await ctx.sendActivity({ identifier: relay.group.username }, byShape.activity.map(toRecipient), announce, options);
  }
  const shaped = byShape.object.length > 0 ? objectShaped(relay) : null;
  if (shaped) await ctx.sendActivity({ identifier: shaped.sender }, byShape.object.map(toRecipient), shaped.activity, options);
  const forwarded = byShape.object.length > 0 ? forwardable(relay) : null;
  if (forwarded) await forward(ctx, relay.group, byShape.object, forwarded);
  return new Set(byShape.activity.map((f) => new URL(f.uri).host));
}
