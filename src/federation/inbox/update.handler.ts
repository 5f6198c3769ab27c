// Update: a post edited by its author, or a remote actor's new profile.
// Only the author (or the actor itself) may update.
import { isActor, type Update } from "@fedify/vocab";
import { rememberRemoteActor } from "../../services/actor.service.ts";
import { applyOnce } from "../../services/incoming.ts";
import { fromActor } from "../mappers/actor.mapper.ts";
import { receivePostUpdate } from "../../services/post-inbox.service.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onUpdate(ctx: EcotoneInboxContext, update: Update): Promise<void> {
  const incoming = describe(update, "Update");
  if (!incoming) return;
  const object = await update.getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
  if (isPostObject(object)) {
    const post = await fromPostObject(object);
    if (!post || post.authorUri !== incoming.actorUri) return;
    const author = await rememberSender(ctx, update);
    if (!author) return;
    await receivePostUpdate(ctx.data, incoming, author, post, {
      announcedBy: null,
      activityJson: await update.toJsonLd({ format: "compact" }),
    });
    return;
  }
  if (!object || !isActor(object)) return;
  if (object.id?.href !== incoming.actorUri) return;
  const data = await fromActor(object);
  const result = await applyOnce(ctx.data, incoming, async () => true);
  if (result.applied) await rememberRemoteActor(ctx.data, data);
}
