// Join and Leave: some servers say these instead of Follow / Undo(Follow)
// when the object is a group. They mean the same thing here.
import { Follow, Undo, type Join, type Leave } from "@fedify/vocab";
import { onFollow } from "./follow.handler.ts";
import { onUndo } from "./undo.handler.ts";
import type { EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onJoin(ctx: EcotoneInboxContext, join: Join): Promise<void> {
  if (!join.id || !join.actorId || !join.objectId) return;
  await onFollow(ctx, new Follow({ id: join.id, actor: join.actorId, object: join.objectId }));
}

export async function onLeave(ctx: EcotoneInboxContext, leave: Leave): Promise<void> {
  if (!leave.id || !leave.actorId || !leave.objectId) return;
  // The membership is found by the pair (member, group).
  await onUndo(ctx, new Undo({ id: leave.id, actor: leave.actorId, object: new Follow({ actor: leave.actorId, object: leave.objectId }) }));
}
