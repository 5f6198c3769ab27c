// Reputation: points earned from what others recognise (likes, votes, accepted
// answers, ideas the company took up, tasks completed), decaying with time and
// weighed so one company, brand-new accounts or a reciprocal ring cannot buy it.
// Pure: the facts come from src/db/queries/reputation.queries.ts. See
// docs/insights.md ("Reputation") and docs/adr/0081-reputation-weights.md.

export const HALF_LIFE_DAYS = 90;
/** How far back facts count at all (after four half-lives they are near nothing). */
export const WINDOW_DAYS = 365;
export const POINTS = { endorsement: 1, acceptedAnswer: 5, ideaPlanned: 3, ideaDone: 5, taskDone: 2 } as const;
/** Likes and votes from the receiver's own organization. */
export const SAME_ORGANIZATION_WEIGHT = 0.25;
/** Likes and votes from accounts we have known for less than NEW_ACCOUNT_DAYS. */
export const NEW_ACCOUNT_WEIGHT = 0.25;
export const NEW_ACCOUNT_DAYS = 14;
/** One person's likes and votes to one other count for at most this many points. */
export const PER_ENDORSER_CAP = 3;
/** Two people who each liked or voted for the other at least this often form a reciprocal ring. */
export const RING_MIN = 3;

export const LEVELS = [
  { level: "trusted", min: 50 },
  { level: "established", min: 20 },
  { level: "contributor", min: 5 },
  { level: "newcomer", min: 0 },
] as const;
export type ReputationLevel = (typeof LEVELS)[number]["level"];

/** The level shown next to a name, from a score. */
export function reputationLevel(score: number): ReputationLevel {
  return (LEVELS.find((l) => score >= l.min) ?? LEVELS[LEVELS.length - 1]!).level;
}

export interface Endorsement {
  fromId: string;
  fromOrganization: string;
  /** When we first knew the endorsing account. */
  fromSince: Date;
  toId: string;
  toOrganization: string;
  at: Date;
  kind: "like" | "vote";
}

export interface Achievement {
  actorId: string;
  at: Date;
  kind: "acceptedAnswer" | "ideaPlanned" | "ideaDone" | "taskDone";
}

export interface Reason {
  kind: "likes_other_organizations" | "likes_own_organization" | "votes" | "acceptedAnswer" | "ideaPlanned" | "ideaDone" | "taskDone";
  count: number;
  points: number;
}

export interface Score {
  actorId: string;
  score: number;
  level: ReputationLevel;
  reasons: Reason[];
  /** Endorsements left out because they came from a reciprocal ring. */
  ringDiscounted: number;
}

export interface Ring {
  actorIds: [string, string];
  endorsements: number;
}

const decay = (at: Date, now: Date) => 0.5 ** (Math.max(0, now.getTime() - at.getTime()) / 86_400_000 / HALF_LIFE_DAYS);
const round = (n: number) => Math.round(n * 100) / 100;

/** Pairs of people who endorsed each other at least RING_MIN times each way. */
export function findRings(endorsements: Endorsement[]): Ring[] {
  const given = new Map<string, number>();
  for (const e of endorsements) given.set(`${e.fromId} ${e.toId}`, (given.get(`${e.fromId} ${e.toId}`) ?? 0) + 1);
  const rings: Ring[] = [];
  for (const [pair, n] of given) {
    const [x, y] = pair.split(" ") as [string, string];
    if (x >= y) continue;
    const back = given.get(`${y} ${x}`) ?? 0;
    if (n >= RING_MIN && back >= RING_MIN) rings.push({ actorIds: [x, y], endorsements: n + back });
  }
  return rings;
}

export function scoreReputation(endorsements: Endorsement[], achievements: Achievement[], now: Date = new Date()): Score[] {
  const rings = new Set(findRings(endorsements).flatMap((r) => [`${r.actorIds[0]} ${r.actorIds[1]}`, `${r.actorIds[1]} ${r.actorIds[0]}`]));
  const reasons = new Map<string, Map<Reason["kind"], Reason>>();
  const discounted = new Map<string, number>();
  const add = (actorId: string, kind: Reason["kind"], points: number) => {
    const byKind = reasons.get(actorId) ?? new Map<Reason["kind"], Reason>();
    const reason = byKind.get(kind) ?? { kind, count: 0, points: 0 };
    reason.count += 1;
    reason.points += points;
    byKind.set(kind, reason);
    reasons.set(actorId, byKind);
  };
  // Each endorser's contributions to one person, capped together.
  const spent = new Map<string, number>();
  for (const e of [...endorsements].sort((p, q) => q.at.getTime() - p.at.getTime())) {
    if (e.fromId === e.toId) continue;
    if (rings.has(`${e.fromId} ${e.toId}`)) {
      discounted.set(e.toId, (discounted.get(e.toId) ?? 0) + 1);
      continue;
    }
    const sameOrg = e.fromOrganization === e.toOrganization;
    const isNew = e.at.getTime() - e.fromSince.getTime() < NEW_ACCOUNT_DAYS * 86_400_000;
    const weight = (sameOrg ? SAME_ORGANIZATION_WEIGHT : 1) * (isNew ? NEW_ACCOUNT_WEIGHT : 1);
    const key = `${e.fromId} ${e.toId}`;
    const room = PER_ENDORSER_CAP - (spent.get(key) ?? 0);
    const points = Math.max(0, Math.min(room, POINTS.endorsement * weight * decay(e.at, now)));
    spent.set(key, (spent.get(key) ?? 0) + points);
    add(e.toId, e.kind === "vote" ? "votes" : sameOrg ? "likes_own_organization" : "likes_other_organizations", points);
  }
  for (const a of achievements) add(a.actorId, a.kind, POINTS[a.kind] * decay(a.at, now));
  const ids = new Set([...reasons.keys(), ...discounted.keys()]);
  return [...ids]
    .map((actorId) => {
      const list = [...(reasons.get(actorId)?.values() ?? [])].map((r) => ({ ...r, points: round(r.points) }));
      const score = round(list.reduce((sum, r) => sum + r.points, 0));
      return { actorId, score, level: reputationLevel(score), reasons: list.sort((p, q) => q.points - p.points), ringDiscounted: discounted.get(actorId) ?? 0 };
    })
    .sort((p, q) => q.score - p.score || (p.actorId < q.actorId ? -1 : 1));
}
