// A post shared into a group. Our group announces the original post to its
// members; a remote group gets the member's Announce addressed to it, and
// relays it as it sees fit.
import type { Context } from "@fedify/fedify";
import { Announce, PUBLIC_COLLECTION } from "@fedify/vocab";
import { findPostById } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { isAllowedRecipient } from "../recipients.ts";
import { groupAnnounce } from "./group-relay.ts";

type ShareEvent = Extract<OutboxEvent, { type: "post.shared" }>;

export async function sendShare(ctx: Context<ServiceContext>, event: ShareEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  const post = await findPostById(db, event.postId);
  const group = await findActorById(db, event.groupId);
  const sharer = await findActorById(db, event.sharerId);
  if (!post || !group || !sharer) return;
  const followers = new URL(group.followers_url ?? `${group.uri}/followers`);
  if (group.is_local) {
    // Public only from a public group: a members-only or secret group's share is its members' business (finding 52).
    const isPublic = (await findGroupByActorId(db, group.id))?.group.visibility === "public";
    await ctx.sendActivity({ identifier: group.username }, "followers", groupAnnounce(group, activityId, new URL(post.uri), isPublic), {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(ctx.origin)],
    });
    return;
  }
  if (!sharer.is_local || !(await isAllowedRecipient(ctx.data, group))) return;
  await ctx.sendActivity(
    { identifier: sharer.username },
    toRecipient(group),
    new Announce({
      id: new URL(event.activityUri),
      actor: new URL(sharer.uri),
      object: new URL(post.uri),
      audience: new URL(group.uri),
      tos: [new URL(group.uri)],
      ccs: [PUBLIC_COLLECTION, followers],
    }),
  );
}
