// Outbox events about follows, turned into activities and queued for delivery.
import type { Context } from "@fedify/fedify";
import { Accept, Follow, Reject, Undo } from "@fedify/vocab";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { findFollowById } from "../../db/repos/follow.repo.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { isAllowedRecipient } from "../recipients.ts";

type FollowEvent = Extract<OutboxEvent, { type: `follow.${string}` }>;

export async function sendFollowEvent(ctx: Context<ServiceContext>, event: FollowEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  switch (event.type) {
    case "follow.requested": {
      const follow = await findFollowById(db, event.followId);
      // Withdrawn or already answered before we got to send it: nothing to do.
      if (!follow || follow.state !== "pending") return;
      const follower = await findActorById(db, follow.follower_id);
      const followee = await findActorById(db, follow.followee_id);
      if (!follower?.is_local || !followee || followee.is_local) return;
      if (!(await isAllowedRecipient(ctx.data, followee))) return;
      await ctx.sendActivity(
        { identifier: follower.username },
        toRecipient(followee),
        new Follow({ id: new URL(follow.activity_uri), actor: new URL(follower.uri), object: new URL(followee.uri) }),
      );
      return;
    }
    case "follow.accepted":
    case "follow.rejected": {
      const followee = await findActorById(db, event.followeeId);
      const follower = await findActorByUri(db, event.followerUri);
      if (!followee?.is_local || !follower || !(await isAllowedRecipient(ctx.data, follower))) return;
      const Answer = event.type === "follow.accepted" ? Accept : Reject;
      await ctx.sendActivity(
        { identifier: followee.username },
        toRecipient(follower),
        new Answer({
          id: activityId,
          actor: new URL(followee.uri),
          object: new Follow({
            id: new URL(event.followActivityUri),
            actor: new URL(follower.uri),
            object: new URL(followee.uri),
          }),
        }),
      );
      return;
    }
    case "follow.undone": {
      const follower = await findActorById(db, event.followerId);
      const followee = await findActorByUri(db, event.followeeUri);
      if (!follower?.is_local || !followee || !(await isAllowedRecipient(ctx.data, followee))) return;
      await ctx.sendActivity(
        { identifier: follower.username },
        toRecipient(followee),
        new Undo({
          id: activityId,
          actor: new URL(follower.uri),
          object: new Follow({
            id: new URL(event.followActivityUri),
            actor: new URL(follower.uri),
            object: new URL(followee.uri),
          }),
        }),
      );
      return;
    }
  }
}
