// Reputation levels a group's home publishes to its member instances
// (docs/federation.md, "Reputation levels"; ADR 0085). Pure: which levels a home
// states, and which of the levels a home stated a member instance takes.
import { LEVELS, type ReputationLevel } from "./reputation.rules.ts";

/** A home states at most this many levels (the highest scores first), so its actor document stays small. */
export const MAX_STATED_LEVELS = 500;

export interface StatedLevel {
  memberUri: string;
  level: ReputationLevel;
}

const RANK = new Map<string, number>(LEVELS.map((l, i) => [l.level, i]));

export function isReputationLevel(value: unknown): value is ReputationLevel {
  return typeof value === "string" && RANK.has(value);
}

/** Highest level first (trusted before established before contributor). */
export function byLevel(a: StatedLevel, b: StatedLevel): number {
  return RANK.get(a.level)! - RANK.get(b.level)! || a.memberUri.localeCompare(b.memberUri);
}

/**
 * What a home states: its current members' levels above newcomer (a newcomer
 * gets no badge, so saying nothing says it), highest scores first, bounded.
 * `scored` is in score order; `members` are the member URIs by actor id.
 */
export function levelsToState(scored: ReadonlyArray<{ actorId: string; level: ReputationLevel }>, members: ReadonlyMap<string, string>): StatedLevel[] {
  const stated: StatedLevel[] = [];
  for (const s of scored) {
    const memberUri = members.get(s.actorId);
    if (!memberUri || s.level === "newcomer") continue;
    stated.push({ memberUri, level: s.level });
    if (stated.length === MAX_STATED_LEVELS) break;
  }
  return stated.sort(byLevel);
}

/** Whether two statements say the same (the publisher sends an Update only when they differ). */
export function sameLevels(a: readonly StatedLevel[], b: readonly StatedLevel[]): boolean {
  if (a.length !== b.length) return false;
  const left = new Map(a.map((l) => [l.memberUri, l.level]));
  return b.every((l) => left.get(l.memberUri) === l.level);
}

/**
 * What a member instance takes from what a home's own document stated: known
 * levels only, one per person, and only for people the home's member list
 * names (a home speaks for its members, not for anyone else). `homeMembers` is
 * null when the home did not serve its list: then nothing is taken.
 */
export function acceptedLevels(stated: ReadonlyArray<{ memberUri: unknown; level: unknown }>, homeMembers: ReadonlySet<string> | null): StatedLevel[] {
  if (!homeMembers) return [];
  const taken = new Map<string, ReputationLevel>();
  for (const s of stated) {
    if (taken.size === MAX_STATED_LEVELS) break;
    if (typeof s.memberUri !== "string" || !isReputationLevel(s.level) || s.level === "newcomer") continue;
    if (!homeMembers.has(s.memberUri) || taken.has(s.memberUri)) continue;
    taken.set(s.memberUri, s.level);
  }
  return [...taken].map(([memberUri, level]) => ({ memberUri, level })).sort(byLevel);
}
