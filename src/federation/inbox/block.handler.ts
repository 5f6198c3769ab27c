// Block from a group: one of our users was banned from a group on another
// instance; their membership ends here too.
import type { Block } from "@fedify/vocab";
import { receiveGroupBan } from "../../services/follow.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onBlock(ctx: EcotoneInboxContext, block: Block): Promise<void> {
  const incoming = describe(block, "Block");
  if (!incoming || !block.objectId || block.objectId.origin !== ctx.origin) return;
  const blocker = await rememberSender(ctx, block);
  if (blocker?.type !== "Group") return;
  await receiveGroupBan(ctx.data, incoming, blocker, block.objectId.href);
}
