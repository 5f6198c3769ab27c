// Follows between accounts, local or on other instances. The same functions
// serve the API (a local user acts) and the inbox (a remote actor acted).
import type { Transaction } from "kysely";
import {
  deleteFollow,
  findFollowByActivityUri,
  findFollowByPair,
  insertFollow,
  markFollowAccepted,
  updateFollowActivityUri,
} from "../../db/repos/follow.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { deleteInvite } from "../../db/repos/group.repo.ts";
import { findGroupByActorId, getMembershipFacts } from "../../db/queries/group.queries.ts";
import { joinOutcome } from "../../domain/group.rules.ts";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { isBlocking } from "../../db/repos/block.repo.ts";
import { removeFromOwnersLists } from "../../db/repos/list.repo.ts";
import { countFollows, countFollowsFromHere, listFollows, type FollowPage } from "../../db/queries/follow.queries.ts";
import type { ActorRow, Database, FollowRow } from "../../db/schema.ts";
import { forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { newActivityKey, newId } from "../../domain/ids.ts";
import { requireLocalUserActor, resolveActor, toActorView, type ActorView } from "./actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake as commit } from "../commit.ts";
import { answerFollowRequest } from "./follow-request.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { endMembership, membershipFrom } from "../groups/membership.ts";
import { notify } from "../notification.service.ts";
import { limitJoin } from "../../domain/organization.rules.ts";
import { peerLimited } from "../organizations/federation-policy.service.ts";
import { sharedRoomAdmits } from "../groups/shared-room-admission.ts";
import { canSeeGroup, viewerOf } from "../visibility.service.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export interface FollowView {
  id: string;
  state: "pending" | "accepted";
  target: ActorView;
}

function followActivityUri(ctx: ServiceContext): string {
  return new URL(`/follows/${newActivityKey()}`, ctx.origin).href;
}

/** A local user follows someone, here or on another instance. */
export async function followActor(ctx: ServiceContext, followerUsername: string, target: string): Promise<FollowView> {
  const follower = await requireLocalUserActor(ctx, followerUsername);
  const followee = await resolveActor(ctx, target);
  // A group is joined, through its join policy and our organization's rules
  // (joinGroup); a follow would skip both. A group the follower may not even
  // see (secret) is as absent as one that does not exist.
  if (followee.type === "Group") {
    if (!(await canSeeGroup(ctx, viewerOf(follower.id), followee.id))) throw notFound(`No account ${target}`);
    throw validationFailed("This is a group: join it (POST /api/ecotone/v1/groups/:group/join) rather than follow it", { field: "target" });
  }
  if (followee.id === follower.id) throw validationFailed("You cannot follow yourself");
  if (await isBlocking(ctx.db, followee.id, follower.id)) throw forbidden("This account does not let you follow it");
  if (await isBlocking(ctx.db, follower.id, followee.id)) throw validationFailed("You block this account: unblock it first to follow it");
  const row = await commit(ctx, async (trx) => {
    const id = newId();
    // Local targets answer at once; remote ones answer with Accept or Reject.
    const state = followee.is_local && !followee.locked ? "accepted" : "pending";
    const { row, created } = await insertFollow(trx, {
      id,
      followerId: follower.id,
      followeeId: followee.id,
      state,
      activityUri: followActivityUri(ctx),
    });
    if (created && followee.is_local) {
      await notify(trx, { recipientId: followee.id, type: state === "accepted" ? "follow" : "follow_request", fromId: follower.id });
    }
    // Re-sending a pending request is harmless and helps when the first was lost.
    if (!followee.is_local && (created || row.state === "pending")) {
      await recordOutboxEvent(trx, { type: "follow.requested", followId: row.id });
    }
    return row;
  });
  return { id: row.id, state: row.state, target: toActorView(followee) };
}

export async function unfollowActor(ctx: ServiceContext, followerUsername: string, target: string): Promise<void> {
  const follower = await requireLocalUserActor(ctx, followerUsername);
  const followee = await resolveActor(ctx, target);
  await commit(ctx, async (trx) => {
    const follow = await findFollowByPair(trx, follower.id, followee.id);
    if (!follow) throw notFound(`You do not follow ${toActorView(followee).handle}`);
    await endMembership(trx, { id: follow.id, followerId: follower.id, followeeId: followee.id });
    // Lists hold only accounts one follows, as on Mastodon.
    await removeFromOwnersLists(trx, follower.id, followee.id);
    if (!followee.is_local) {
      await recordOutboxEvent(trx, {
        type: "follow.undone",
        followActivityUri: follow.activity_uri,
        followerId: follower.id,
        followeeUri: followee.uri,
      });
    }
  });
}

export async function listFollowRequests(ctx: ServiceContext, username: string): Promise<FollowPage> {
  const actor = await requireLocalUserActor(ctx, username);
  return listFollows(ctx.db, actor.id, "followers", { state: "pending", limit: 200 });
}

export async function listFollowers(ctx: ServiceContext, username: string, cursor: string | null, limit = 40) {
  const actor = await requireLocalUserActor(ctx, username);
  return listFollows(ctx.db, actor.id, "followers", { cursor, limit });
}

export async function listFollowing(ctx: ServiceContext, username: string, cursor: string | null, limit = 40) {
  const actor = await requireLocalUserActor(ctx, username);
  return listFollows(ctx.db, actor.id, "following", { cursor, limit });
}

/** Pages of an actor's followers and followees by actor id (collections). */
export async function listFollowersOf(ctx: ServiceContext, actorId: string, cursor: string | null, limit: number) {
  return listFollows(ctx.db, actorId, "followers", { cursor, limit });
}

export async function listFollowingOf(ctx: ServiceContext, actorId: string, cursor: string | null, limit: number) {
  return listFollows(ctx.db, actorId, "following", { cursor, limit });
}

export async function followCounts(ctx: ServiceContext, actorId: string) {
  return {
    followers: await countFollows(ctx.db, actorId, "followers"),
    following: await countFollows(ctx.db, actorId, "following"),
  };
}

/** The owner of a locked account approves a waiting follower. */
export async function acceptFollowRequest(ctx: ServiceContext, username: string, followId: string): Promise<void> {
  const followee = await requireLocalUserActor(ctx, username);
  await commit(ctx, (trx) => answerFollowRequest(trx, followee.id, followId, true));
}

export async function rejectFollowRequest(ctx: ServiceContext, username: string, followId: string): Promise<void> {
  const followee = await requireLocalUserActor(ctx, username);
  await commit(ctx, (trx) => answerFollowRequest(trx, followee.id, followId, false));
}

/** A local account removes someone from its followers (and a block does the same). */
export async function removeFollower(ctx: ServiceContext, followeeId: string, followerId: string): Promise<void> {
  await commit(ctx, async (trx) => {
    const follow = await findFollowByPair(trx, followerId, followeeId);
    if (!follow) return;
    await deleteFollow(trx, follow.id);
    const follower = await findActorById(trx, followerId);
    // The remote server learns it as a Reject of the Follow, as Mastodon sends it.
    if (follower && !follower.is_local) {
      await recordOutboxEvent(trx, { type: "follow.rejected", followActivityUri: follow.activity_uri, followerUri: follower.uri, followeeId });
    }
  });
}

// ---- Incoming from other instances -------------------------------------

export type IncomingFollowOutcome = { state: "accepted" | "pending"; followId: string } | { state: "duplicate" } | { state: "refused" };

/**
 * A remote actor asks to follow a local account. Unlocked accounts accept at
 * once (the caller answers with Accept); locked ones keep the request pending.
 */
export async function receiveFollow(ctx: ServiceContext, activity: IncomingActivity, follower: ActorRow, followeeUri: string): Promise<IncomingFollowOutcome> {
  const followee = await findActorByUri(ctx.db, followeeUri);
  if (!followee || !followee.is_local) throw notFound(`No local actor ${followeeUri}`);
  // Someone the account blocks cannot follow it.
  if (await isBlocking(ctx.db, followee.id, follower.id)) {
    await applyOnce(ctx, activity, async () => {});
    return { state: "refused" };
  }
  // Following a group is joining it: its join policy decides, and bans hold.
  let state: "accepted" | "pending" = followee.locked ? "pending" : "accepted";
  const group = followee.type === "Group" ? await findGroupByActorId(ctx.db, followee.id) : undefined;
  if (group) {
    let outcome = joinOutcome(group.group.join_policy, membershipFrom(await getMembershipFacts(ctx.db, followee.id, follower.id)));
    // A shared room admits only the organizations that accepted it.
    if (outcome !== "refused" && !(await sharedRoomAdmits(ctx, followee.id, follower.domain))) outcome = "refused";
    if (outcome === "refused") {
      await applyOnce(ctx, activity, async () => {});
      return { state: "refused" };
    }
    // A limited partner's people wait for a moderator even where others walk in.
    state = limitJoin(outcome, await peerLimited(ctx, follower.domain));
  }
  const result = await applyOnce(ctx, activity, async (trx) => {
    const { row, created } = await insertFollow(trx, {
      id: newId(),
      followerId: follower.id,
      followeeId: followee.id,
      state,
      activityUri: activity.uri,
    });
    // A repeated Follow (the remote lost our answer) refers to the same pair:
    // remember its id so our next Accept names the activity they know.
    if (!created) await updateFollowActivityUri(trx, row.id, activity.uri);
    if (group && row.state === "accepted") await deleteInvite(trx, followee.id, follower.id);
    if (created) {
      await notify(trx, { recipientId: followee.id, type: row.state === "accepted" ? "follow" : "follow_request", fromId: follower.id });
    }
    return { state: row.state, followId: row.id };
  });
  return result.applied ? result.value : { state: "duplicate" };
}

/** Whether a Follow with this activity id is one we hold (an Undo naming only an id may mean something else). */
export async function isKnownFollow(ctx: ServiceContext, activityUri: string): Promise<boolean> {
  return (await findFollowByActivityUri(ctx.db, activityUri)) !== undefined;
}

/** Finds the follow an Accept/Reject/Undo talks about, by activity id or by the pair. */
async function findReferencedFollow(
  trx: Transaction<Database>,
  ref: { followActivityUri: string | null; followerUri: string; followeeUri: string },
): Promise<FollowRow | undefined> {
  if (ref.followActivityUri) {
    const byUri = await findFollowByActivityUri(trx, ref.followActivityUri);
    if (byUri) return byUri;
  }
  const follower = await findActorByUri(trx, ref.followerUri);
  const followee = await findActorByUri(trx, ref.followeeUri);
  if (!follower || !followee) return undefined;
  return findFollowByPair(trx, follower.id, followee.id);
}

export interface FollowReference {
  followActivityUri: string | null;
  followerUri: string;
  followeeUri: string;
}

/** The remote account accepted our follow request. Only its own account may. */
export async function receiveFollowAccepted(ctx: ServiceContext, activity: IncomingActivity, ref: FollowReference) {
  let backfill = false;
  await applyOnce(ctx, activity, async (trx) => {
    const follow = await findReferencedFollow(trx, ref);
    const followee = follow ? await findActorById(trx, follow.followee_id) : undefined;
    if (!follow || followee?.uri !== activity.actorUri) return;
    if (follow.state !== "pending") return;
    await markFollowAccepted(trx, follow.id);
    // Our first member of a remote group: fetch its recent posts (docs/federation.md).
    if (followee.type === "Group" && (await countFollowsFromHere(trx, followee.id)) === 1) {
      await recordOutboxEvent(trx, { type: "group.backfill", groupId: followee.id });
      backfill = true;
    }
  });
  if (backfill) ctx.onOutboxEvent?.();
}

export async function receiveFollowRejected(ctx: ServiceContext, activity: IncomingActivity, ref: FollowReference) {
  await applyOnce(ctx, activity, async (trx) => {
    // A Reject of one of our Follows that is no longer the pair's current one
    // answers an earlier request: a join repeated since then sent a new Follow
    // (requestRemoteMembership), which gets its own answer. Falling back to the
    // pair here would let that late Reject end the new request.
    if (ref.followActivityUri && sameOrigin(ref.followActivityUri, ctx.origin.href) && !(await findFollowByActivityUri(trx, ref.followActivityUri))) return;
    const follow = await findReferencedFollow(trx, ref);
    const followee = follow ? await findActorById(trx, follow.followee_id) : undefined;
    if (!follow || followee?.uri !== activity.actorUri) return;
    await deleteFollow(trx, follow.id);
  });
}

/** The remote follower withdrew. Only the follower itself may undo its follow. */
export async function receiveUndoFollow(ctx: ServiceContext, activity: IncomingActivity, ref: FollowReference) {
  await applyOnce(ctx, activity, async (trx) => {
    const follow = await findReferencedFollow(trx, ref);
    const follower = follow ? await findActorById(trx, follow.follower_id) : undefined;
    if (!follow || follower?.uri !== activity.actorUri) return;
    await endMembership(trx, { id: follow.id, followerId: follow.follower_id, followeeId: follow.followee_id });
  });
}

/** A remote group banned one of our users: the membership is over. */
export async function receiveGroupBan(ctx: ServiceContext, activity: IncomingActivity, group: ActorRow, memberUri: string) {
  const member = await findActorByUri(ctx.db, memberUri);
  if (!member?.is_local) return;
  await applyOnce(ctx, activity, async (trx) => {
    const follow = await findFollowByPair(trx, member.id, group.id);
    if (follow) await deleteFollow(trx, follow.id);
  });
}
