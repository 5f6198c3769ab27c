// Reputation per group and for the whole instance, explained by its reasons
// (src/domain/reputation.rules.ts). Members see a group's scores and levels;
// the reciprocal rings the scoring left out are for the group's moderators.
import { assertCanModerate } from "../../domain/group.rules.ts";
import { findRings, reputationLevel, scoreReputation, WINDOW_DAYS, type ReputationLevel } from "../../domain/reputation.rules.ts";
import { actorsByIds } from "../../db/queries/post.queries.ts";
import { achievementsIn, endorsementsIn } from "../../db/queries/reputation.queries.ts";
import { toActorView, requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { findGroupWithReadableContent, membershipOf } from "../groups/group.service.ts";

export { reputationLevel };

const since = (now: Date) => new Date(now.getTime() - WINDOW_DAYS * 86_400_000);

async function scoresIn(ctx: ServiceContext, groupId: string | null, now = new Date()) {
  const [endorsements, achievements] = await Promise.all([endorsementsIn(ctx.db, groupId, since(now)), achievementsIn(ctx.db, groupId, since(now))]);
  return { endorsements, scores: scoreReputation(endorsements, achievements, now) };
}

/** `GET /groups/:group/reputation`: [{actor, score, level, reasons}], highest first. */
export async function groupReputation(ctx: ServiceContext, ref: string, viewerId: string | null, limit = 50) {
  const group = await findGroupWithReadableContent(ctx, ref, viewerId);
  const { scores } = await scoresIn(ctx, group.actor.id);
  const top = scores.slice(0, limit);
  const actors = new Map(
    (
      await actorsByIds(
        ctx.db,
        top.map((s) => s.actorId),
      )
    ).map((a) => [a.id, a]),
  );
  return top
    .filter((s) => actors.has(s.actorId))
    .map((s) => ({ actor: toActorView(actors.get(s.actorId)!), score: s.score, level: s.level, reasons: s.reasons, ringDiscounted: s.ringDiscounted }));
}

/** The reciprocal rings found in a group: flagged to its moderators, never counted. */
export async function groupRings(ctx: ServiceContext, username: string, ref: string) {
  const me = await requireLocalUserActor(ctx, username);
  const group = await findGroupWithReadableContent(ctx, ref, me.id);
  assertCanModerate(await membershipOf(ctx, group.actor.id, me.id));
  const { endorsements } = await scoresIn(ctx, group.actor.id);
  const rings = findRings(endorsements);
  const actors = new Map((await actorsByIds(ctx.db, [...new Set(rings.flatMap((r) => r.actorIds))])).map((a) => [a.id, a]));
  return rings
    .filter((r) => r.actorIds.every((id) => actors.has(id)))
    .map((r) => ({ actors: r.actorIds.map((id) => toActorView(actors.get(id)!)), endorsements: r.endorsements }));
}

/** Levels to show next to names (web pages, serializers): within a group, or over the instance. */
export async function reputationLevels(ctx: ServiceContext, actorIds: string[], groupId: string | null = null): Promise<Map<string, ReputationLevel>> {
  if (actorIds.length === 0) return new Map();
  const { scores } = await scoresIn(ctx, groupId);
  const byId = new Map(scores.map((s) => [s.actorId, s.level]));
  return new Map(actorIds.map((id) => [id, byId.get(id) ?? reputationLevel(0)]));
}
