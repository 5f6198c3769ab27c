// Announce: a group relaying a member's activity to us (FEP-1b12, as Lemmy
// and Ecotone groups send it). The group vouches for what it relays: it
// checked the member's signature and membership when it received it, so the
// embedded activity is taken as the group hands it over — but only for
// content addressed to that group.
import {
  Create,
  Delete,
  Like,
  Undo,
  Update,
  type Activity,
  type Announce,
} from "@fedify/vocab";
import type { ActorRow } from "../../db/schema.ts";
import { findCachedActor } from "../../services/actor.service.ts";
import {
  receiveLike,
  receivePost,
  receivePostDelete,
  receivePostUpdate,
  receiveUndoLike,
  type Relay,
} from "../../services/post-inbox.service.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { describe, rememberSender, signedLoader, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { rememberActorByUri } from "./remember-actor.ts";

export async function onAnnounce(ctx: EcotoneInboxContext, announce: Announce): Promise<void> {
  const incoming = describe(announce, "Announce");
  if (!incoming) return;
  const group = await rememberSender(ctx, announce);
  // Boosts by people are not group relays; timelines for them come later.
  if (!group || group.type !== "Group") return;
  const loader = { documentLoader: await signedLoader(ctx), contextLoader: ctx.contextLoader };
  const inner = await announce.getObject({ ...loader, crossOrigin: "trust" });
  if (!inner || !("actorId" in inner)) return;
  const activity = inner as Activity;
  if (!activity.id || !activity.actorId) return;
  const innerIncoming = { uri: activity.id.href, type: activity.constructor.name, actorUri: activity.actorId.href };
  const actor = (await findCachedActor(ctx.data, activity.actorId.href)) ?? (await rememberActorByUri(ctx, activity.actorId));
  if (!actor) return;
  const relay: Relay = { announcedBy: group, activityJson: null };

  if (activity instanceof Create || activity instanceof Update) {
    const object = await activity.getObject({ ...loader, crossOrigin: "trust" });
    if (!isPostObject(object)) return;
    const post = await fromPostObject(object);
    if (!post || post.authorUri !== actor.uri) return;
    if (!addressedTo(group, post.groupUris)) return;
    if (activity instanceof Create) await receivePost(ctx.data, innerIncoming, actor, post, relay);
    else await receivePostUpdate(ctx.data, innerIncoming, actor, post, relay);
  } else if (activity instanceof Delete) {
    if (activity.objectId) await receivePostDelete(ctx.data, innerIncoming, actor, activity.objectId.href, relay);
  } else if (activity instanceof Like) {
    if (activity.objectId) await receiveLike(ctx.data, innerIncoming, actor, activity.objectId.href, relay);
  } else if (activity instanceof Undo) {
    const undone = activity.objectId;
    if (undone) await receiveUndoLike(ctx.data, innerIncoming, actor, undone.href, relay);
  }
}

function addressedTo(group: ActorRow, groupUris: string[]): boolean {
  return groupUris.includes(group.uri) || (group.followers_url !== null && groupUris.includes(group.followers_url));
}
