// Answering a pending follow: a locked account's follower, or a join request
// of a group (joining a group is following it). One rule for both: only a
// pending request to this followee; accepted marks it, refused removes it; a
// follower on another instance is told with Accept or Reject.
import type { Transaction } from "kysely";
import { deleteFollow, findFollowById, markFollowAccepted } from "../../db/repos/follow.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { ActorRow, Database } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";

/** Returns the follower whose request was answered. */
export async function answerFollowRequest(
  trx: Transaction<Database>,
  followeeId: string,
  followId: string,
  accept: boolean,
  what = "follow request",
): Promise<ActorRow | undefined> {
  const follow = await findFollowById(trx, followId);
  if (!follow || follow.followee_id !== followeeId || follow.state !== "pending") throw notFound(`No pending ${what} ${followId}`);
  if (accept) await markFollowAccepted(trx, follow.id);
  else await deleteFollow(trx, follow.id);
  const follower = await findActorById(trx, follow.follower_id);
  if (follower && !follower.is_local) {
    await recordOutboxEvent(
      trx,
      accept
        ? { type: "follow.accepted", followId: follow.id, followActivityUri: follow.activity_uri, followerUri: follower.uri, followeeId }
        : { type: "follow.rejected", followActivityUri: follow.activity_uri, followerUri: follower.uri, followeeId },
    );
  }
  return follower;
}
