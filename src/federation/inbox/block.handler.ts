// Block from a group: one of our users was banned from a group on another
// instance; their membership ends here too. Block from a person: they blocked
// one of ours (as Mastodon sends it); their posts leave our person's sight.
import type { Block } from "@fedify/vocab";
import { receiveGroupBan } from "../../services/accounts/follow.service.ts";
import { receiveBlock } from "../../services/accounts/block.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function onBlock(ctx: EcotoneInboxContext, block: Block): Promise<void> {
  const incoming = describe(block, "Block");
  if (!incoming || !block.objectId || !sameOrigin(block.objectId.href, ctx.origin)) return;
  const blocker = await rememberSender(ctx, block);
  if (blocker?.type === "Person") return receiveBlock(ctx.data, incoming, blocker, block.objectId.href);
  if (blocker?.type !== "Group") return;
  await receiveGroupBan(ctx.data, incoming, blocker, block.objectId.href);
}
