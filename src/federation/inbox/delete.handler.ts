// Delete: a post withdrawn by its author (or its group), or an actor gone.
import type { Delete } from "@fedify/vocab";
import { forgetGoneActor } from "../../services/accounts/actor.service.ts";
import { receivePostDelete } from "../../services/posts/post-inbox.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onDelete(ctx: EcotoneInboxContext, del: Delete): Promise<void> {
  const incoming = describe(del, "Delete");
  const objectId = del.objectId;
  if (!incoming || !objectId) return;
  if (objectId.href === incoming.actorUri) {
    await forgetGoneActor(ctx.data, objectId.href);
    return;
  }
  const deleter = await rememberSender(ctx, del);
  if (!deleter) return;
  await receivePostDelete(ctx.data, incoming, deleter, objectId.href, {
    announcedBy: null,
    activityJson: () => del.toJsonLd({ format: "compact" }),
  });
}
