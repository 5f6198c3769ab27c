// Mutes, blocks and per-account domain blocks: what an account keeps out of
// its timelines and notifications. A block also ends follows both ways.
import {
  deleteBlock,
  deleteBlockByActivity,
  isKnownBlockActivity,
  deleteDomainBlock,
  deleteMute,
  hiddenFacts,
  insertBlock,
  insertDomainBlock,
  listBlocked,
  listDomainBlocks,
  listMuted,
  upsertMute,
  type HiddenFilter,
} from "../../db/repos/block.repo.ts";
import { deleteFollow, findFollowByPair } from "../../db/repos/follow.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { commitAndWake as commit } from "../commit.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import type { ActorRow } from "../../db/schema.ts";
import { validationFailed } from "../../domain/errors.ts";
import { getActorById } from "./actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { removeFollower, unfollowActor } from "./follow.service.ts";
import { leaveGroup } from "../groups/group.service.ts";

export type { HiddenFilter };

async function requireOther(ctx: ServiceContext, actorId: string, targetId: string): Promise<ActorRow> {
  const target = await getActorById(ctx, targetId);
  if (!target || target.type === "Application") throw validationFailed("No such account");
  if (target.id === actorId) throw validationFailed("You cannot mute or block yourself");
  return target;
}

export async function muteAccount(
  ctx: ServiceContext,
  actorId: string,
  targetId: string,
  options: { notifications?: boolean | undefined; durationSeconds?: number | undefined } = {},
): Promise<void> {
  await requireOther(ctx, actorId, targetId);
  const seconds = options.durationSeconds ?? 0;
  if (!Number.isInteger(seconds) || seconds < 0) throw validationFailed("duration must be a whole number of seconds (0 = forever)");
  await upsertMute(ctx.db, actorId, targetId, {
    hideNotifications: options.notifications ?? true,
    expiresAt: seconds > 0 ? new Date(Date.now() + seconds * 1000) : null,
  });
}

export async function unmuteAccount(ctx: ServiceContext, actorId: string, targetId: string): Promise<void> {
  await deleteMute(ctx.db, actorId, targetId);
}

/** Blocks an account: it is hidden, cannot follow, and follows between the two end. */
export async function blockAccount(ctx: ServiceContext, blocker: { actorId: string; username: string }, targetId: string): Promise<void> {
  const target = await requireOther(ctx, blocker.actorId, targetId);
  await commit(ctx, async (trx) => {
    // The blocked account's server is told, as Mastodon tells it (ADR 0033): it stops showing them our posts.
    const block = await insertBlock(trx, blocker.actorId, target.id, (id) => (target.is_local ? null : new URL(`/blocks/${id}`, ctx.origin).href));
    if (block.created && block.activityUri) {
      await recordOutboxEvent(trx, { type: "account.blocked", actorId: blocker.actorId, targetId: target.id, activityUri: block.activityUri, blocked: true });
    }
  });
  if (await findFollowByPair(ctx.db, blocker.actorId, target.id)) {
    if (target.type === "Group") await leaveGroup(ctx, blocker.username, target.id);
    else await unfollowActor(ctx, blocker.username, target.uri);
  }
  await removeFollower(ctx, blocker.actorId, target.id);
}

export async function unblockAccount(ctx: ServiceContext, actorId: string, targetId: string): Promise<void> {
  await commit(ctx, async (trx) => {
    const removed = await deleteBlock(trx, actorId, targetId);
    if (removed.activityUri) await recordOutboxEvent(trx, { type: "account.blocked", actorId, targetId, activityUri: removed.activityUri, blocked: false });
  });
}

/** A person elsewhere blocked one of ours: kept as their Block, so their posts leave our person's timelines and follows end. */
export async function receiveBlock(ctx: ServiceContext, activity: IncomingActivity, blocker: ActorRow, targetUri: string): Promise<void> {
  const target = await findActorByUri(ctx.db, targetUri);
  if (!target?.is_local || target.type !== "Person" || target.id === blocker.id) return;
  await applyOnce(ctx, activity, async (trx) => {
    await insertBlock(trx, blocker.id, target.id, () => activity.uri);
    for (const [follower, followee] of [
      [blocker.id, target.id],
      [target.id, blocker.id],
    ] as const) {
      const follow = await findFollowByPair(trx, follower, followee);
      if (follow) await deleteFollow(trx, follow.id);
    }
  });
}

export async function isKnownBlock(ctx: ServiceContext, activityUri: string): Promise<boolean> {
  return isKnownBlockActivity(ctx.db, activityUri);
}

/** Undo(Block) from the blocker who sent it. */
export async function receiveUndoBlock(ctx: ServiceContext, activity: IncomingActivity, blocker: ActorRow, blockUri: string): Promise<void> {
  await applyOnce(ctx, activity, async (trx) => {
    await deleteBlockByActivity(trx, blocker.id, blockUri);
  });
}

/** A domain written as apps send it (`example.com`), without scheme, path or spaces. */
function normalizeDomain(domain: unknown): string {
  if (typeof domain !== "string" || !/^[a-z0-9.-]+(:\d+)?$/i.test(domain.trim())) {
    throw validationFailed("domain must be a host name such as example.com");
  }
  return domain.trim().toLowerCase();
}

export async function blockDomain(ctx: ServiceContext, actorId: string, domain: unknown): Promise<void> {
  const host = normalizeDomain(domain);
  if (host === ctx.origin.host.toLowerCase()) throw validationFailed("You cannot block your own instance's domain");
  await insertDomainBlock(ctx.db, actorId, host);
}

export async function unblockDomain(ctx: ServiceContext, actorId: string, domain: unknown): Promise<void> {
  await deleteDomainBlock(ctx.db, actorId, normalizeDomain(domain));
}

type Page = { maxId?: string | undefined; limit: number };

export const mutedAccounts = (ctx: ServiceContext, actorId: string, page: Page) => listMuted(ctx.db, actorId, page);
export const blockedAccounts = (ctx: ServiceContext, actorId: string, page: Page) => listBlocked(ctx.db, actorId, page);
export const blockedDomains = (ctx: ServiceContext, actorId: string, page: Page) => listDomainBlocks(ctx.db, actorId, page);

/** Mute and block facts between a viewer and accounts, for relationships. */
export async function hiddenFactsFor(ctx: ServiceContext, viewerId: string, targetIds: string[]): Promise<HiddenFilter> {
  return hiddenFacts(ctx.db, viewerId, targetIds);
}
