// Reputation per group and for the whole instance, explained by its reasons
// (src/domain/reputation.rules.ts). Members see a group's scores and levels;
// the reciprocal rings the scoring left out are for the group's moderators.
import { assertCanModerate } from "../../domain/group.rules.ts";
import { findRings, reputationLevel, scoreReputation, WINDOW_DAYS, type ReputationLevel } from "../../domain/reputation.rules.ts";
import { actorsByIds } from "../../db/queries/post.queries.ts";
import { achievementsIn, endorsementsIn } from "../../db/queries/reputation.queries.ts";
import { statedLevelsFor, statedLevelsOf } from "../../db/queries/group-levels.queries.ts";
import { byLevel } from "../../domain/group-levels.rules.ts";
import type { ActorRow } from "../../db/schema.ts";
import { findCachedActors, getActorById, toActorView, requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { findGroupWithReadableContent, membershipOf } from "../groups/group.service.ts";

export { reputationLevel };

const since = (now: Date) => new Date(now.getTime() - WINDOW_DAYS * 86_400_000);

/** Everyone's score in a group (or over the instance), highest first, with the endorsements it came from. */
export async function scoresIn(ctx: ServiceContext, groupId: string | null, now = new Date()) {
  const [endorsements, achievements] = await Promise.all([endorsementsIn(ctx.db, groupId, since(now)), achievementsIn(ctx.db, groupId, since(now))]);
  return { endorsements, scores: scoreReputation(endorsements, achievements, now) };
}

/**
 * The levels a group's home stated, for a group elsewhere whose home states
 * them (docs/federation.md, "Reputation levels"); null for our own groups and
 * for homes that never did, whose levels this instance computes itself.
 */
async function homeStatement(ctx: ServiceContext, group: ActorRow) {
  if (group.is_local) return null;
  const stated = await statedLevelsOf(ctx.db, group.id);
  return stated.statedAt === null ? null : stated;
}

/**
 * `GET /groups/:group/reputation`: [{actor, score, level, reasons}], highest first.
 * For a group elsewhere whose home states levels, the home's levels
 * (`levelFrom: "home"`): the scores and their reasons stay at the home, which
 * alone sees every vote of the group.
 */
export async function groupReputation(ctx: ServiceContext, ref: string, viewerId: string | null, limit = 50) {
  const group = await findGroupWithReadableContent(ctx, ref, viewerId);
  const home = await homeStatement(ctx, group.actor);
  if (home) {
    const stated = [...home.levels].sort(byLevel);
    const actors = new Map(
      (
        await findCachedActors(
          ctx,
          stated.map((l) => l.memberUri),
        )
      ).map((a) => [a.uri, a]),
    );
    return stated
      .filter((l) => actors.has(l.memberUri))
      .slice(0, limit)
      .map((l) => ({ actor: toActorView(actors.get(l.memberUri)!), score: null, level: l.level, reasons: [], ringDiscounted: 0, levelFrom: "home" as const }));
  }
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
    .map((s) => ({
      actor: toActorView(actors.get(s.actorId)!),
      score: s.score as number | null,
      level: s.level,
      reasons: s.reasons,
      ringDiscounted: s.ringDiscounted,
      levelFrom: "here" as const,
    }));
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

/**
 * Levels to show next to names (web pages, serializers): within a group, or
 * over the instance. In a group elsewhere whose home states levels, the home's.
 */
export async function reputationLevels(ctx: ServiceContext, actorIds: string[], groupId: string | null = null): Promise<Map<string, ReputationLevel>> {
  if (actorIds.length === 0) return new Map();
  const group = groupId === null ? null : await getActorById(ctx, groupId);
  const home = group ? await homeStatement(ctx, group) : null;
  if (home) {
    const byUri = new Map(home.levels.map((l) => [l.memberUri, l.level]));
    const actors = await actorsByIds(ctx.db, actorIds);
    const uriOf = new Map(actors.map((a) => [a.id, a.uri]));
    return new Map(actorIds.map((id) => [id, byUri.get(uriOf.get(id) ?? "") ?? reputationLevel(0)]));
  }
  const { scores } = await scoresIn(ctx, groupId);
  const byId = new Map(scores.map((s) => [s.actorId, s.level]));
  return new Map(actorIds.map((id) => [id, byId.get(id) ?? reputationLevel(0)]));
}

/**
 * The levels a group's statement gives these people, for badges on pages: what
 * we last published for our group, or what its home stated for a group
 * elsewhere (docs/federation.md, "Reputation levels"). One indexed read; a
 * group with no statement gives no badges.
 */
export async function statedGroupLevels(
  ctx: ServiceContext,
  groupId: string,
  people: ReadonlyArray<{ id: string; uri: string }>,
): Promise<Map<string, ReputationLevel>> {
  const levels = await statedLevelsFor(
    ctx.db,
    groupId,
    people.map((p) => p.uri),
  );
  return new Map(people.flatMap((p) => (levels.has(p.uri) ? [[p.id, levels.get(p.uri)!] as const] : [])));
}
