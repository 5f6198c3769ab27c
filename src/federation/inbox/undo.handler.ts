// Undo: Undo(Like) withdraws a like; Undo(Block) a block; Undo(Follow) a follow or a group membership.
import type { Undo } from "@fedify/vocab";
import { isKnownFollow, receiveUndoFollow } from "../../services/accounts/follow.service.ts";
import { isKnownBlock, receiveUndoBlock } from "../../services/accounts/block.service.ts";
import { isKnownLike, receiveUndoLike, rememberWithdrawnLike } from "../../services/posts/post-inbox.service.ts";
import { isKnownReblog, receiveUndoReblog } from "../../services/posts/reblog.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { followReference } from "./follow-reference.ts";

export async function onUndo(ctx: EcotoneInboxContext, undo: Undo): Promise<void> {
  const incoming = describe(undo, "Undo");
  if (!incoming) return;
  // Undo(Announce): a boost withdrawn.
  const undone = undo.objectId?.href;
  if (undone && (await isKnownReblog(ctx.data, undone))) {
    const actor = await rememberSender(ctx, undo);
    if (actor) await receiveUndoReblog(ctx.data, incoming, actor, undone);
    return;
  }
  // Undo(Block): the blocker lifts the block it sent (matched by the Block's id and its sender).
  if (undone && (await isKnownBlock(ctx.data, undone))) {
    const blocker = await rememberSender(ctx, undo);
    if (blocker) await receiveUndoBlock(ctx.data, incoming, blocker, undone);
    return;
  }
  // Undo(Like): the like's id is enough; we never fetch it.
  const likeUri = undo.objectId?.href;
  if (likeUri && (await isKnownLike(ctx.data, likeUri))) {
    const liker = await rememberSender(ctx, undo);
    if (liker) {
      await receiveUndoLike(ctx.data, incoming, liker, likeUri, {
        announcedBy: null,
        activityJson: () => undo.toJsonLd({ format: "compact" }),
      });
    }
    return;
  }
  const ref = await followReference(ctx, undo);
  // A bare id we could not fetch tells nothing of the follow it would be
  // (no follower, no followee): unless it names a Follow we hold, it is
  // treated as what it more likely is, a Like not yet here.
  const unknownBareId = ref !== null && !ref.followerUri && !(ref.followActivityUri && (await isKnownFollow(ctx.data, ref.followActivityUri)));
  if (!ref || unknownBareId) {
    // Not a follow, and nothing we hold: an Undo that overtook its Like (the
    // Like's delivery failed and is retried later). Remember the withdrawal,
    // so the late Like loses, as a late Create loses to its Delete.
    if (likeUri) await rememberWithdrawnLike(ctx.data, incoming, likeUri);
    return;
  }
  // The follower undoing must be the actor of the Follow it names.
  if (ref.followerUri && ref.followerUri !== incoming.actorUri) return;
  await receiveUndoFollow(ctx.data, incoming, { ...ref, followerUri: ref.followerUri || incoming.actorUri });
}
