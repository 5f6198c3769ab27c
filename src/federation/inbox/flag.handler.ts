// Flag: another instance reports one of our accounts, or posts in our groups.
import type { Flag } from "@fedify/vocab";
import { receiveFlag } from "../../services/posts/report.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onFlag(ctx: EcotoneInboxContext, flag: Flag): Promise<void> {
  const incoming = describe(flag, "Flag");
  if (!incoming) return;
  const reporter = await rememberSender(ctx, flag);
  if (!reporter) return;
  const objects = flag.objectIds.map((u) => u.href).slice(0, 50);
  await receiveFlag(ctx.data, incoming, reporter, objects, flag.content?.toString() ?? null);
}
