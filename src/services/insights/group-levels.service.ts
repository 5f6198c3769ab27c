// Reputation levels on the wire (docs/federation.md, "Reputation levels"; ADR 0085).
// At a group's home: a timed sweep computes each group's levels at most once
// per interval and, when they changed, keeps the new statement and records an
// Update of the group, so member instances hear of it once per interval, not
// once per vote. At a member instance: the levels the home's own document
// states are taken for the people the home's member list names, and shown
// next to names in that group instead of this instance's partial view.
import type { ActorRow } from "../../db/schema.ts";
import { hasLocalMember } from "../../db/queries/group.queries.ts";
import { groupsDueForLevels, memberUrisById, statedLevelsOf } from "../../db/queries/group-levels.queries.ts";
import { markLevelsChecked, replaceGroupLevels } from "../../db/repos/group-levels.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { acceptedLevels, levelsToState, sameLevels, type StatedLevel } from "../../domain/group-levels.rules.ts";
import { commitAndWake } from "../commit.ts";
import type { ServiceContext } from "../context.ts";
import { forgetHomeMembers, homeMemberUris } from "../groups/remote-members.service.ts";
import { scoresIn } from "./reputation.service.ts";

/** Groups looked at per sweep tick: the others wait for the next tick (a few seconds). */
const GROUPS_PER_TICK = 10;

/**
 * The sweep: our groups with members elsewhere whose levels were last computed
 * more than `everyMs` ago. Returns how many statements changed (each one Update).
 */
export async function publishDueGroupLevels(ctx: ServiceContext, now: Date, everyMs: number): Promise<number> {
  const due = await groupsDueForLevels(ctx.db, new Date(now.getTime() - everyMs), GROUPS_PER_TICK);
  let published = 0;
  for (const groupId of due) {
    const [{ scores }, members, current] = await Promise.all([scoresIn(ctx, groupId, now), memberUrisById(ctx.db, groupId), statedLevelsOf(ctx.db, groupId)]);
    const next = levelsToState(scores, members);
    // Nothing to say yet, or the same as last time: no Update.
    if ((current.statedAt === null && next.length === 0) || (current.statedAt !== null && sameLevels(current.levels, next))) {
      await markLevelsChecked(ctx.db, groupId, now);
      continue;
    }
    await commitAndWake(ctx, async (trx) => {
      await replaceGroupLevels(trx, groupId, next, now);
      await recordOutboxEvent(trx, { type: "actor.updated", actorId: groupId });
    });
    published += 1;
  }
  return published;
}

/** What our group's actor document states (null: never stated, the document says nothing). */
export async function publishedLevels(ctx: ServiceContext, groupId: string): Promise<StatedLevel[] | null> {
  const stated = await statedLevelsOf(ctx.db, groupId);
  return stated.statedAt === null ? null : stated.levels;
}

/**
 * A member instance takes the levels stated in the home's own document of
 * `group` (the caller fetched it from the group's id, on its origin). Only for
 * a group one of our people belongs to, and only for people the home's member
 * list names; a document that states nothing changes nothing.
 */
export async function adoptHomeLevels(
  ctx: ServiceContext,
  group: ActorRow,
  stated: ReadonlyArray<{ memberUri: unknown; level: unknown }> | null,
  now = new Date(),
): Promise<void> {
  if (stated === null || group.is_local || group.type !== "Group") return;
  if (!(await hasLocalMember(ctx.db, group.id))) return;
  // The statement may name people who joined since we last read the list.
  forgetHomeMembers(group);
  const members = await homeMemberUris(ctx, group);
  if (!members) {
    ctx.logger.info({ group: group.uri }, "the group's home stated levels but did not serve its member list: levels kept as they were");
    return;
  }
  const taken = acceptedLevels(stated, new Set(members));
  const ignored = stated.length - taken.length;
  if (ignored > 0)
    ctx.logger.warn({ group: group.uri, ignored }, "levels the group's home stated for people outside its member list (or unknown levels) were ignored");
  await ctx.db.transaction().execute((trx) => replaceGroupLevels(trx, group.id, taken, now));
}
