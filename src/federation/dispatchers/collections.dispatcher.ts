// Followers, following and outbox collections of local actors, paginated by
// cursor. The followers dispatcher also feeds Fedify's "followers" fan-out,
// which asks for the whole collection with a null cursor.
import type { Federation } from "@fedify/fedify";
import { PATHS } from "../../domain/uris.ts";
import { getLocalActor } from "../../services/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { followCounts, listFollowersOf, listFollowingOf } from "../../services/follow.service.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { allowedRecipients } from "../recipients.ts";
import { canListMembers, requesterOf } from "./access.ts";
import { viewerOfRequester } from "../../services/access.service.ts";
import { visibleInMemberLists } from "../../services/visibility.service.ts";

const PAGE_SIZE = 40;
const FIRST_CURSOR = "first";

export function registerCollectionDispatchers(federation: Federation<ServiceContext>): void {
  federation
    .setFollowersDispatcher(PATHS.followers, async (ctx, identifier, cursor) => {
      const actor = await getLocalActor(ctx.data, identifier);
      if (!actor) return null;
      if (cursor === null) {
        // Whole collection, for delivery.
        // Whole collection, for delivery: our own actors are not sent to.
        const all = await listFollowersOf(ctx.data, actor.id, null, 100_000);
        const remote = await allowedRecipients(ctx.data, all.items.map((f) => f.actor));
        return { items: remote.map(toRecipient) };
      }
      const page = await listFollowersOf(ctx.data, actor.id, cursor === FIRST_CURSOR ? null : cursor, PAGE_SIZE);
      return { items: page.items.map((f) => toRecipient(f.actor)), nextCursor: page.nextCursor };
    })
    .setCounter(async (ctx, identifier) => {
      const actor = await getLocalActor(ctx.data, identifier);
      return actor ? (await followCounts(ctx.data, actor.id)).followers : null;
    })
    .setFirstCursor(() => FIRST_CURSOR)
    // The members of a non-public group are not listed to outsiders.
    .authorize(async (ctx, identifier) => {
      const actor = await getLocalActor(ctx.data, identifier);
      return !actor || actor.type !== "Group" || canListMembers(ctx, actor.id);
    });

  federation
    .setFollowingDispatcher(PATHS.following, async (ctx, identifier, cursor) => {
      const actor = await getLocalActor(ctx.data, identifier);
      if (!actor || cursor === null) return actor ? { items: [] } : null;
      const page = await listFollowingOf(ctx.data, actor.id, cursor === FIRST_CURSOR ? null : cursor, PAGE_SIZE);
      // Memberships of groups whose member list the requester may not read are not named.
      const shown = await visibleInMemberLists(ctx.data, viewerOfRequester(await requesterOf(ctx)), page.items, (f) => f.actor);
      return { items: shown.map((f) => new URL(f.actor.uri)), nextCursor: page.nextCursor };
    })
    .setCounter(async (ctx, identifier) => {
      const actor = await getLocalActor(ctx.data, identifier);
      if (!actor) return null;
      // Counted as listed: a hidden membership does not show in the total either.
      const all = await listFollowingOf(ctx.data, actor.id, null, 100_000);
      return (await visibleInMemberLists(ctx.data, viewerOfRequester(await requesterOf(ctx)), all.items, (f) => f.actor)).length;
    })
    .setFirstCursor(() => FIRST_CURSOR);

  // Posts arrive with the groups issue; until then the outbox is an empty,
  // well-formed collection so peers that read it do not error.
  federation
    .setOutboxDispatcher(PATHS.outbox, async (ctx, identifier) => {
      const actor = await getLocalActor(ctx.data, identifier);
      return actor ? { items: [] } : null;
    })
    .setCounter(() => 0);
}
