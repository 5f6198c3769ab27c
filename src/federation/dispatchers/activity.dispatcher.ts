// Serves our activities at their ids (`/activities/{key}`, the random key of
// the outbox event that produced them), so a server that fetches an activity id to check it
// (Mastodon does, for a forwarded or announced activity) finds it. An
// activity about a post is shown only to whoever may see the post; other
// kinds of events are not served (404).
import type { Federation, RequestContext } from "@fedify/fedify";
import { Activity, Delete, Tombstone, Update } from "@fedify/vocab";
import { getPostEntry } from "../../db/queries/post.queries.ts";
import { findOutboxEventByKey } from "../../db/repos/outbox.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { knownMentionsIn } from "../../services/accounts/profile.service.ts";
import { toActor } from "../mappers/actor.mapper.ts";
import { createActivityOf } from "../mappers/outbox-item.mapper.ts";
import { postObjectOf } from "../mappers/post.mapper.ts";
import { groupAnnounce, isPublicActivity } from "../outbox/group-relay.ts";
import { authorized } from "./post.dispatcher.ts";

async function eventOf(ctx: RequestContext<ServiceContext>, id: string): Promise<OutboxEvent | null> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  const row = await findOutboxEventByKey(ctx.data.db, id);
  return row ? (row.payload as OutboxEvent) : null;
}

async function activityOf(ctx: RequestContext<ServiceContext>, id: string): Promise<Activity | null> {
  const event = await eventOf(ctx, id);
  const activityId = new URL(`/activities/${id}`, ctx.origin);
  const origin = new URL(ctx.origin);
  if (event?.type === "post.created" || event?.type === "post.updated") {
    const entry = await getPostEntry(ctx.data.db, event.postId, null);
    if (!entry?.post.is_local) return null;
    const create = createActivityOf(entry, origin);
    const activity =
      event.type === "post.created"
        ? create
        : new Update({ id: activityId, actor: create.actorId, object: postObjectOf(entry, origin), tos: create.toIds, ccs: create.ccIds });
    // In one of our groups, the id names the group's Announce of it.
    return entry.group?.is_local ? groupAnnounce(entry.group, new URL(`${activityId.href}#announce`), activity, isPublicActivity(activity)) : activity;
  }
  if (event?.type === "post.deleted" && event.visibility === "public") {
    const author = await findActorById(ctx.data.db, event.authorId);
    if (!author?.is_local) return null;
    return new Delete({ id: activityId, actor: new URL(author.uri), object: new Tombstone({ id: new URL(event.postUri) }) });
  }
  if (event?.type === "actor.updated") {
    const row = await findActorById(ctx.data.db, event.actorId);
    if (!row?.is_local || row.type === "Application") return null;
    const keys = await ctx.getActorKeyPairs(row.username);
    return new Update({ id: activityId, actor: new URL(row.uri), object: toActor(ctx, row.username, row, keys, await knownMentionsIn(ctx.data, row.summary)) });
  }
  return null;
}

export function registerActivityDispatcher(federation: Federation<ServiceContext>): void {
  federation
    .setObjectDispatcher(Activity, "/activities/{id}", (ctx, { id }) => activityOf(ctx, id))
    .authorize(async (ctx, { id }) => {
      const event = await eventOf(ctx, id);
      if (event?.type === "post.created" || event?.type === "post.updated") return authorized(ctx, event.postId);
      return true;
    });
}
