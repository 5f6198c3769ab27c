// A person's pinned posts as the `featured` collection Mastodon reads for a
// profile: full objects, most recently pinned first, and only the pins the
// requester may see (the one visibility rule: a followers-only pin only to a
// follower's signed fetch).
import type { Federation } from "@fedify/fedify";
import { hydrate } from "../../db/queries/post.queries.ts";
import { postsByIds } from "../../db/queries/timeline.queries.ts";
import { PATHS } from "../../domain/uris.ts";
import { viewerOfRequester } from "../../services/groups/access.service.ts";
import { getLocalActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { listPinnedPostIds } from "../../services/posts/pin.service.ts";
import { filterVisiblePosts } from "../../services/visibility.service.ts";
import { postObjectOf } from "../mappers/post.mapper.ts";
import { requesterOf } from "./access.ts";

export function registerFeaturedDispatcher(federation: Federation<ServiceContext>): void {
  federation.setFeaturedDispatcher(PATHS.featured, async (ctx, identifier) => {
    const actor = await getLocalActor(ctx.data, identifier);
    if (!actor || actor.type !== "Person") return null;
    const ids = await listPinnedPostIds(ctx.data, actor.id);
    const rows = await postsByIds(ctx.data.db, ids);
    const visible = await filterVisiblePosts(ctx.data, viewerOfRequester(await requesterOf(ctx)), rows, (row) => row);
    const byId = new Map((await hydrate(ctx.data.db, visible, null)).map((e) => [e.post.id, e]));
    const origin = new URL(ctx.origin);
    return { items: ids.flatMap((id) => (byId.has(id) ? [postObjectOf(byId.get(id)!, origin)] : [])) };
  });
}
