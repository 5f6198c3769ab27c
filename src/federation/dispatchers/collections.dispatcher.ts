// Followers, following and outbox collections of local actors, paginated by
// cursor. The followers dispatcher also feeds Fedify's "followers" fan-out,
// which asks for the whole collection with a null cursor.
import type { Federation, RequestContext } from "@fedify/fedify";
import { PATHS } from "../../domain/uris.ts";
import { getLocalActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { followCounts, listFollowersOf, listFollowingOf } from "../../services/accounts/follow.service.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { followerRecipients } from "../recipients.ts";
import { canListMembers, requesterOf } from "./access.ts";
import { canFetchGroupContent, viewerOfRequester } from "../../services/groups/access.service.ts";
import { canSeeActor, visibleInMemberLists } from "../../services/visibility.service.ts";
import { countOutboxPosts, listOutboxPosts } from "../../db/queries/post.queries.ts";
import { outboxItemOf } from "../mappers/outbox-item.mapper.ts";
import type { ActorRow } from "../../db/schema.ts";

const PAGE_SIZE = 40;
const FIRST_CURSOR = "first";

/** A group's members-only posts are listed to whoever may fetch them (member instances). */
async function seesMembersOnly(ctx: RequestContext<ServiceContext>, actor: { id: string; type: string }): Promise<boolean> {
  return actor.type === "Group" && canFetchGroupContent(ctx.data, actor.id, await requesterOf(ctx));
}

/** A secret group has no outbox for those it is hidden from (the one visibility rule). */
async function outboxOwner(ctx: RequestContext<ServiceContext>, identifier: string): Promise<ActorRow | null> {
  const actor = await getLocalActor(ctx.data, identifier);
  if (!actor) return null;
  if (actor.type === "Group" && !(await canSeeActor(ctx.data, viewerOfRequester(await requesterOf(ctx)), actor))) return null;
  return actor;
}

export function registerCollectionDispatchers(federation: Federation<ServiceContext>): void {
  federation
    .setFollowersDispatcher(PATHS.followers, async (ctx, identifier, cursor) => {
      const actor = await getLocalActor(ctx.data, identifier);
      if (!actor) return null;
      if (cursor === null) {
        // Whole collection, for delivery: our own actors are not sent to.
        return { items: (await followerRecipients(ctx.data, actor.id)).map(toRecipient) };
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

  // Public posts, newest first, a page at a time: what a server reads to
  // show a profile's or a group's recent posts (and what a late-joining
  // member instance backfills from).
  federation
    .setOutboxDispatcher(PATHS.outbox, async (ctx, identifier, cursor) => {
      const actor = await outboxOwner(ctx, identifier);
      if (!actor) return null;
      if (cursor === null) return { items: [] };
      const membersOnlyToo = await seesMembersOnly(ctx, actor);
      const page = await listOutboxPosts(ctx.data.db, actor, {
        cursor: cursor === FIRST_CURSOR ? null : cursor,
        limit: PAGE_SIZE,
        membersOnlyToo,
      });
      const origin = new URL(ctx.origin);
      return { items: page.items.map((entry) => outboxItemOf(actor, entry, origin)), nextCursor: page.nextCursor };
    })
    .setCounter(async (ctx, identifier) => {
      const actor = await outboxOwner(ctx, identifier);
      if (!actor) return null;
      return countOutboxPosts(ctx.data.db, actor, await seesMembersOnly(ctx, actor));
    })
    .setFirstCursor(() => FIRST_CURSOR);
}
