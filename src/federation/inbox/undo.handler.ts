// Undo: for now, Undo(Follow) — a remote follower withdrew.
import type { Undo } from "@fedify/vocab";
import { receiveUndoFollow } from "../../services/follow.service.ts";
import { describe, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { followReference } from "./follow-reference.ts";

export async function onUndo(ctx: EcotoneInboxContext, undo: Undo): Promise<void> {
  const incoming = describe(undo, "Undo");
  if (!incoming) return;
  const ref = await followReference(ctx, undo);
  if (!ref) return;
  // The follower undoing must be the actor of the Follow it names.
  if (ref.followerUri && ref.followerUri !== incoming.actorUri) return;
  await receiveUndoFollow(ctx.data, incoming, { ...ref, followerUri: ref.followerUri || incoming.actorUri });
}
