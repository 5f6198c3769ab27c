// Update: a post edited by its author, or a remote actor's new profile.
// Only the author (or the actor itself) may update.
import { Group, isActor, type Update } from "@fedify/vocab";
import { rememberRemoteActor } from "../../services/accounts/actor.service.ts";
import { applyOnce } from "../../services/incoming.ts";
import { fromActor } from "../mappers/actor.mapper.ts";
import { receivePostUpdate } from "../../services/posts/post-inbox.service.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { rememberActorByUri } from "./remember-actor.ts";
import { withFreshFetches } from "../signed-fetch.cache.ts";
import { adoptHomeLevels } from "../../services/insights/group-levels.service.ts";
import { statedLevelsIn } from "../mappers/group-levels.mapper.ts";

/** What an Update says changed is fetched from its server, never from the signed-fetch cache. */
export function onUpdate(ctx: EcotoneInboxContext, update: Update): Promise<void> {
  return withFreshFetches(() => applyUpdate(ctx, update));
}

async function applyUpdate(ctx: EcotoneInboxContext, update: Update): Promise<void> {
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
      activityJson: () => update.toJsonLd({ format: "compact" }),
    });
    return;
  }
  if (!object || !isActor(object)) return;
  if (object.id?.href !== incoming.actorUri) return;
  const data = await fromActor(object);
  const result = await applyOnce(ctx.data, incoming, async () => true);
  if (!result.applied) return;
  await rememberRemoteActor(ctx.data, data);
  // Fedify models none of a group's own terms (ecotone:visibility, :questions)
  // on an embedded actor: read them from the group's document itself. The
  // members' levels are taken from that fetched copy only, never from the
  // embedded one (docs/federation.md, "Reputation levels").
  if (object instanceof Group) {
    const fetched = await rememberActorByUri(ctx, object.id);
    if (fetched) await adoptHomeLevels(ctx.data, fetched, statedLevelsIn(fetched.raw));
  }
}
