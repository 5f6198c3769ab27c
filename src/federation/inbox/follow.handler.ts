// Follow: a remote actor asks to follow a local account. Unlocked accounts
// accept at once; the Accept answers the incoming activity, so it is sent
// from here (the one exception to "services record, the outbox sends").
import { Accept, Follow, Reject } from "@fedify/vocab";
import { receiveFollow } from "../../services/accounts/follow.service.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { peerSoftwareOf } from "../peer-software.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onFollow(ctx: EcotoneInboxContext, follow: Follow): Promise<void> {
  const incoming = describe(follow, "Follow");
  const target = follow.objectId;
  if (!incoming || !target) return;
  const parsed = ctx.parseUri(target);
  if (parsed?.type !== "actor") return;
  const follower = await rememberSender(ctx, follow);
  if (!follower) return;
  const outcome = await receiveFollow(ctx.data, incoming, follower, target.href);
  // Learn what the follower's server runs while it is surely up (it just
  // wrote to us), so a later relay finds the right shape even if it is
  // down by then (src/federation/peer-software.ts keeps a stale answer).
  if (outcome.state !== "refused" && outcome.state !== "duplicate") {
    await peerSoftwareOf(ctx.data, [follower]).catch(() => undefined);
  }
  if (outcome.state === "refused") {
    // A banned member, or an invite-only group: say no rather than leave them waiting.
    await ctx.sendActivity(
      { identifier: parsed.identifier },
      toRecipient(follower),
      new Reject({
        id: new URL(`/rejects/${encodeURIComponent(follow.id!.href)}`, ctx.origin),
        actor: target,
        object: new Follow({ id: follow.id, actor: follow.actorId, object: target }),
      }),
    );
    return;
  }
  if (outcome.state !== "accepted") return;
  await ctx.sendActivity(
    { identifier: parsed.identifier },
    toRecipient(follower),
    new Accept({
      id: new URL(`/accepts/${outcome.followId}`, ctx.origin),
      actor: target,
      object: new Follow({ id: follow.id, actor: follow.actorId, object: target }),
    }),
  );
}
