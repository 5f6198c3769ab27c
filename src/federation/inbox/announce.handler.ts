// Announce: a group relaying a member's activity to us (FEP-1b12, as Lemmy
// and Ecotone groups send it), a group announcing a post shared into it, or
// a member sharing a post into one of our groups.
//
// The group vouches for what it relays: it checked the member's signature and
// membership when it received it, so the embedded activity is taken as the
// group hands it over — but only within the relay rule (src/domain/trust.rules.ts):
// a group one of our users belongs to, never for our own users, ids on the
// member's origin, and only the group's own posts. An embedded *object* (a
// post shared into the group) is never taken as sent: Fedify refetches it
// from its own origin, and the post store refuses what its origin may not say.
import { Create, Delete, Like, Undo, Update, type Activity, Announce } from "@fedify/vocab";
import type { ActorRow } from "../../db/schema.ts";
import { findCachedActor } from "../../services/accounts/actor.service.ts";
import {
  receiveLike,
  receivePost,
  receivePostDelete,
  receivePostUpdate,
  storeFetchedPost,
  receiveUndoLike,
  type Relay,
} from "../../services/posts/post-inbox.service.ts";
import { receiveShare } from "../../services/posts/share.service.ts";
import { receiveReblog } from "../../services/posts/reblog.service.ts";
import { isPostOfGroup, whyNotRelay } from "../../services/organizations/relay-trust.ts";
import { originOf, sameOrigin } from "../../domain/trust.rules.ts";
import { mayFederateWith } from "./gate.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { describe, rememberSender, signedLoader, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { rememberActorByUri } from "./remember-actor.ts";

export async function onAnnounce(ctx: EcotoneInboxContext, announce: Announce): Promise<void> {
  const incoming = describe(announce, "Announce");
  if (!incoming) return;
  const announcer = await rememberSender(ctx, announce);
  if (!announcer) return;
  const loader = { documentLoader: await signedLoader(ctx), contextLoader: ctx.contextLoader };
  if (announcer.type !== "Group") {
    // A member sharing a post into one of our groups (cross-posting). Other
    // boosts by people are not group business; timelines for them come later.
    const target = await localGroupAddressed(ctx, announce);
    if (target && announce.objectId) {
      await acceptShare(ctx, incoming, announcer, target, await announce.getObject(loader));
    } else if (announce.objectId) {
      // A boost: fetch the post from its own server when we do not have it.
      await rememberBoostedPost(ctx, await announce.getObject(loader).catch(() => null));
      await receiveReblog(ctx.data, incoming, announcer, announce.objectId.href);
    }
    return;
  }
  const group = announcer;
  const inner = await announce.getObject({ ...loader, crossOrigin: "trust" });
  if (isPostObject(inner)) {
    // The group announces a post: it was shared into the group. Only a group
    // one of our people belongs to tells us so, and the post itself comes
    // from its own server (the default loader refetches a foreign embed).
    const refusal = await whyNotRelay(ctx.data, group, { uri: group.uri, is_local: false }, incoming.uri);
    if (refusal) return refuse(ctx, group, incoming.uri, refusal);
    const object = await announce.getObject(loader);
    if (await acceptOwnPost(ctx, incoming, group, object)) return;
    await acceptShare(ctx, incoming, group, group, object);
    return;
  }
  if (!inner || !("actorId" in inner)) return;
  const activity = inner as Activity;
  if (!activity.id || !activity.actorId) return;
  // Logged under the relay: the group vouches, the actor did not sign it, so
  // the group may use up only its own relay's record of this id (finding 51).
  const innerIncoming = {
    uri: activity.id.href,
    type: activity.constructor.name,
    actorUri: activity.actorId.href,
    recordedOrigin: `relay ${originOf(group.uri)}`,
  };
  if (!(await mayFederateWith(ctx, activity.actorId)))
    return refuse(ctx, group, activity.id.href, `this instance does not federate with ${activity.actorId.host}`);
  const actor = (await findCachedActor(ctx.data, activity.actorId.href)) ?? (await rememberActorByUri(ctx, activity.actorId));
  if (!actor) return;
  // The group's word counts only for its own business.
  const refusal = await whyNotRelay(ctx.data, group, actor, activity.id.href);
  if (refusal) return refuse(ctx, group, activity.id.href, refusal);
  const relay: Relay = { announcedBy: group, activityJson: null };

  if (activity instanceof Create || activity instanceof Update) {
    const object = await activity.getObject({ ...loader, crossOrigin: "trust" });
    if (!isPostObject(object)) return;
    const post = await fromPostObject(object);
    if (!post || post.authorUri !== actor.uri || !sameOrigin(post.uri, actor.uri)) return;
    if (!addressedTo(group, post.groupUris)) return;
    if (activity instanceof Create) await receivePost(ctx.data, innerIncoming, actor, post, relay);
    // (receivePostUpdate refuses a relayed edit of a post outside the group.)
    else await receivePostUpdate(ctx.data, innerIncoming, actor, post, relay);
  } else if (activity instanceof Delete) {
    const target = activity.objectId?.href;
    // A member deletes their own post; the group itself removes any post in it (moderation).
    const allowed = actor.id === group.id || (target !== undefined && sameOrigin(target, actor.uri));
    if (target && allowed && (await isPostOfGroup(ctx.data, target, group))) {
      await receivePostDelete(ctx.data, innerIncoming, actor, target, relay);
    }
  } else if (activity instanceof Like) {
    // (receiveLike refuses a relayed like of a post outside the group, and
    // retries one whose post has not arrived yet.)
    const target = activity.objectId?.href;
    if (target) await receiveLike(ctx.data, innerIncoming, actor, target, relay);
  } else if (activity instanceof Undo) {
    const undone = activity.objectId;
    if (undone && sameOrigin(undone.href, actor.uri)) await receiveUndoLike(ctx.data, innerIncoming, actor, undone.href, relay);
  }
}

function refuse(ctx: EcotoneInboxContext, group: ActorRow, activityUri: string, reason: string): void {
  ctx.data.logger.info({ group: group.uri, activity: activityUri, reason }, "relay refused");
}

function addressedTo(group: ActorRow, groupUris: string[]): boolean {
  return groupUris.includes(group.uri) || (group.followers_url !== null && groupUris.includes(group.followers_url));
}

async function localGroupAddressed(ctx: EcotoneInboxContext, announce: Announce): Promise<ActorRow | null> {
  for (const uri of [...announce.audienceIds, ...announce.toIds, ...announce.ccIds]) {
    if (!sameOrigin(uri.href, ctx.origin)) continue;
    const actor = await findCachedActor(ctx.data, uri.href);
    if (actor?.type === "Group" && actor.is_local) return actor;
  }
  return null;
}

/**
 * A group's Announce of one of its own posts (the shape it sends to servers
 * it takes for Mastodon-family ones): the group vouches for it as it does
 * for a relayed Create. True when the post is addressed to the group.
 */
async function acceptOwnPost(
  ctx: EcotoneInboxContext,
  incoming: { uri: string; type: string; actorUri: string },
  group: ActorRow,
  object: unknown,
): Promise<boolean> {
  if (!isPostObject(object)) return false;
  const post = await fromPostObject(object);
  if (!post || !addressedTo(group, post.groupUris)) return false;
  const authorUri = new URL(post.authorUri);
  const author = (await findCachedActor(ctx.data, authorUri.href)) ?? (await rememberActorByUri(ctx, authorUri));
  if (author) await receivePost(ctx.data, incoming, author, post, { announcedBy: group, activityJson: null });
  return true;
}

async function acceptShare(
  ctx: EcotoneInboxContext,
  incoming: { uri: string; type: string; actorUri: string },
  sharer: ActorRow,
  group: ActorRow,
  object: unknown,
): Promise<void> {
  if (!isPostObject(object)) return;
  const post = await fromPostObject(object);
  if (!post) return;
  const authorUri = new URL(post.authorUri);
  const author = (await findCachedActor(ctx.data, authorUri.href)) ?? (await rememberActorByUri(ctx, authorUri));
  if (!author) return;
  await receiveShare(ctx.data, incoming, sharer, group, author, post);
}

async function rememberBoostedPost(ctx: EcotoneInboxContext, object: unknown): Promise<void> {
  if (!isPostObject(object)) return;
  const post = await fromPostObject(object);
  if (!post || !post.isPublic || !sameOrigin(post.uri, post.authorUri)) return;
  const authorUri = new URL(post.authorUri);
  const author = (await findCachedActor(ctx.data, authorUri.href)) ?? (await rememberActorByUri(ctx, authorUri));
  if (!author) return;
  await storeFetchedPost(ctx.data, author, post);
}
