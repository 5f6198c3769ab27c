// The signal in the noise: how much a thread or idea matters, from who engages
// (distinct organizations and audience segments), how fast votes come (with
// time decay, the idea board's momentum) and the proposer's track record.
// docs/insights.md ("Signal and What matters").
import { momentum } from "./idea.rules.ts";

export const ORGANIZATION_WEIGHT = 2;
export const AUDIENCE_WEIGHT = 1;
export const TRACK_RECORD_WEIGHT = 2;
/** How far back "What matters" looks. */
export const SIGNAL_WINDOW_DAYS = 30;

export interface SignalFacts {
  /** Organizations (domains) of everyone who replied, liked or voted, the author's included. */
  organizations: Set<string>;
  audiences: Set<string>;
  /** When the root post was liked or voted for. */
  voteTimes: Date[];
  /** The proposer's ideas in this group, and how many the group took up (planned, in progress, done). */
  proposerIdeas: number;
  proposerTakenUp: number;
}

export interface Signal {
  score: number;
  organizations: number;
  audiences: number;
  momentum: number;
  trackRecord: number | null;
}

export function signalOf(facts: SignalFacts, now: Date = new Date()): Signal {
  const m = momentum(facts.voteTimes, now);
  const track = facts.proposerIdeas === 0 ? null : facts.proposerTakenUp / facts.proposerIdeas;
  const score = ORGANIZATION_WEIGHT * facts.organizations.size + AUDIENCE_WEIGHT * facts.audiences.size + m + TRACK_RECORD_WEIGHT * (track ?? 0);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    score: round(score),
    organizations: facts.organizations.size,
    audiences: facts.audiences.size,
    momentum: round(m),
    trackRecord: track === null ? null : round(track),
  };
}
