// Update(Actor): a remote actor changed its profile; refresh our cached copy.
// Only the actor itself may update its own document.
import { isActor, type Update } from "@fedify/vocab";
import { rememberRemoteActor } from "../../services/actor.service.ts";
import { applyOnce } from "../../services/incoming.ts";
import { fromActor } from "../mappers/actor.mapper.ts";
import { describe, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onUpdate(ctx: EcotoneInboxContext, update: Update): Promise<void> {
  const incoming = describe(update, "Update");
  if (!incoming) return;
  const object = await update.getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
  if (!object || !isActor(object)) return;
  if (object.id?.href !== incoming.actorUri) return;
  const data = await fromActor(object);
  const result = await applyOnce(ctx.data, incoming, async () => true);
  if (result.applied) await rememberRemoteActor(ctx.data, data);
}
