// Outbox events of our groups: relaying members' activities (FEP-1b12),
// invitations, bans and moderator changes.
import type { Context } from "@fedify/fedify";
import { Activity, Add, Block, Create, Invite, Remove, Undo } from "@fedify/vocab";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { isAllowedRecipient } from "../recipients.ts";
import { relayThroughGroup } from "./group-relay.ts";
import type { BatchReads } from "./batch-reads.ts";

type GroupEvent = Extract<OutboxEvent, { type: `group.${string}` }>;

export async function sendGroupEvent(ctx: Context<ServiceContext>, reads: BatchReads, event: GroupEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  const group = await findActorById(db, event.groupId);
  if (!group?.is_local || group.type !== "Group") return;
  const groupUri = new URL(group.uri);
  const followers = new URL(group.followers_url ?? `${group.uri}/followers`);
  const sender = { identifier: group.username };
  switch (event.type) {
    case "group.relay": {
      const activity = await Activity.fromJsonLd(event.activity, {
        documentLoader: ctx.documentLoader,
        contextLoader: ctx.contextLoader,
      });
      // A remote member's post: Mastodon-family servers fetch it from its origin.
      const post = activity instanceof Create ? activity.objectId : null;
      await relayThroughGroup(ctx, reads, {
        group,
        activity,
        announceId: activityId,
        // A like: per post and person (outbox-events.ts); anything else: per object.
        orderingKey: event.orderingKey ?? activity.objectId?.href ?? activity.id?.href ?? group.uri,
        post,
        raw: event.activity,
      });
      return;
    }
    case "group.invited": {
      const invitee = await findActorById(db, event.inviteeId);
      if (!invitee || !(await isAllowedRecipient(ctx.data, invitee))) return;
      await ctx.sendActivity(
        sender,
        toRecipient(invitee),
        new Invite({ id: activityId, actor: groupUri, object: groupUri, target: new URL(invitee.uri), tos: [new URL(invitee.uri)] }),
      );
      return;
    }
    case "group.banned":
    case "group.unbanned": {
      const member = await findActorById(db, event.memberId);
      if (!member || !(await isAllowedRecipient(ctx.data, member))) return;
      const block = new Block({
        id: event.type === "group.banned" ? activityId : new URL(`${activityId.href}#block`),
        actor: groupUri,
        object: new URL(member.uri),
        tos: [new URL(member.uri)],
      });
      const activity = event.type === "group.banned" ? block : new Undo({ id: activityId, actor: groupUri, object: block });
      await ctx.sendActivity(sender, toRecipient(member), activity);
      return;
    }
    case "group.role_changed": {
      const member = await findActorById(db, event.memberId);
      if (!member) return;
      const Change = event.moderator ? Add : Remove;
      await ctx.sendActivity(
        sender,
        "followers",
        new Change({
          id: activityId,
          actor: groupUri,
          object: new URL(member.uri),
          target: new URL(`${group.uri}/moderators`),
          tos: [followers],
        }),
        { preferSharedInbox: true, excludeBaseUris: [new URL(ctx.origin)] },
      );
      return;
    }
  }
}
