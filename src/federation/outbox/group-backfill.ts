// When this instance's first member is accepted into a remote group, the
// group's recent posts are read from its outbox (FEP-f228 style), so the new
// member does not see an empty group. Each post is fetched from its own
// origin, signed by our instance actor (members-only groups serve members'
// instances), and kept only if it names the group (audience, to or cc) and
// its author is on the post's origin — the same checks as a relayed post.
import type { Context } from "@fedify/fedify";
import { Activity, Announce, Collection, Link, isActor, type Object as APObject } from "@fedify/vocab";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../../domain/uris.ts";
import { rememberRemoteActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { receivePost } from "../../services/posts/post-inbox.service.ts";
import { fromActor } from "../mappers/actor.mapper.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { readHomeLevels } from "../group-levels.fetch.ts";

/** How many of the newest posts a late-joining instance takes. */
export const BACKFILL_POSTS = 20;

function postIdOf(item: APObject): URL | null {
  // Our groups list Announce(Note); Lemmy-family groups Announce(Create(Page)).
  if (item instanceof Announce) return item.objectId;
  if (item instanceof Activity) return item.objectId;
  return item.id;
}

export async function backfillGroup(ctx: Context<ServiceContext>, groupId: string): Promise<void> {
  const group = await findActorById(ctx.data.db, groupId);
  if (!group || group.is_local || group.type !== "Group" || !group.outbox_url) return;
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
  const outbox = await ctx.lookupObject(group.outbox_url, { documentLoader });
  if (!(outbox instanceof Collection)) return;
  const ids: URL[] = [];
  for await (const item of ctx.traverseCollection(outbox, { documentLoader, suppressError: true })) {
    const id = item instanceof Link ? item.href : postIdOf(item);
    if (id) ids.push(id);
    if (ids.length >= BACKFILL_POSTS) break;
  }
  let stored = 0;
  // Oldest first, so threads and reply counts build up as they would live.
  for (const id of ids.reverse()) {
    const object = await ctx.lookupObject(id, { documentLoader }).catch(() => null);
    if (!isPostObject(object) || object.id?.href !== id.href) continue;
    const post = await fromPostObject(object);
    if (!post || !sameOrigin(post.uri, post.authorUri)) continue;
    if (!post.groupUris.includes(group.uri)) continue;
    let author = await findActorByUri(ctx.data.db, post.authorUri);
    if (!author) {
      const actor = await ctx.lookupObject(post.authorUri, { documentLoader }).catch(() => null);
      if (!isActor(actor) || actor.id?.href !== post.authorUri) continue;
      author = await rememberRemoteActor(ctx.data, await fromActor(actor));
    }
    const outcome = await receivePost(ctx.data, { uri: `${post.uri}#backfill`, type: "Backfill", actorUri: group.uri }, author, post, {
      announcedBy: group,
      activityJson: null,
    }).catch((error: unknown) => {
      ctx.data.logger.info({ err: error, post: post.uri }, "backfilled post refused");
      return "ignored";
    });
    if (outcome === "stored") stored++;
  }
  ctx.data.logger.info({ group: group.uri, stored, listed: ids.length }, "group backfilled");
  // The members' levels as the home states them now (later changes come with its Updates).
  await readHomeLevels(ctx, group).catch((error: unknown) => ctx.data.logger.info({ err: error, group: group.uri }, "the group's levels could not be read"));
}
