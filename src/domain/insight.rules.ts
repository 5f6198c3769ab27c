// Insights: who may see which figures, the period asked for, and the rule
// that a breakdown never singles out a handful of people.
import { forbidden, validationFailed } from "./errors.ts";
import { isMember, isModerator, type GroupVisibility, type Membership } from "./group.rules.ts";

/** A group of fewer people, or a bucket of fewer people, is not broken down. */
export const MIN_BREAKDOWN_PEOPLE = 5;
/** The longest period one request may cover. */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;
/** Buckets below MIN_BREAKDOWN_PEOPLE are added into this one. */
export const SMALL_BUCKETS = "fewer than 5 people";

export const INSIGHT_METRICS = ["posts", "replies", "likes", "votes", "ideas", "joined", "left", "active"] as const;
export type InsightMetric = (typeof INSIGHT_METRICS)[number];

export interface InsightQuery {
  from: string;
  to: string;
  interval: "day" | "week";
  by: "organization" | "audience" | null;
}

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function parseDay(raw: string, field: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw validationFailed(`"${field}" must be a day as YYYY-MM-DD (got "${raw}")`, { field });
  }
  return new Date(`${raw}T00:00:00Z`);
}

/** from/to default to the last 30 days up to today (UTC), both inclusive. */
export function parseInsightQuery(
  raw: { from?: string | undefined; to?: string | undefined; interval?: string | undefined; by?: string | undefined },
  now: Date = new Date(),
): InsightQuery {
  const to = raw.to ? parseDay(raw.to, "to") : new Date(`${isoDay(now)}T00:00:00Z`);
  const from = raw.from ? parseDay(raw.from, "from") : new Date(to.getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  if (from > to) throw validationFailed(`"from" (${isoDay(from)}) is after "to" (${isoDay(to)})`, { field: "from" });
  if ((to.getTime() - from.getTime()) / DAY_MS + 1 > MAX_RANGE_DAYS) {
    throw validationFailed(`A period covers at most ${MAX_RANGE_DAYS} days; narrow "from" and "to"`, { field: "from" });
  }
  const interval = raw.interval ?? "day";
  if (interval !== "day" && interval !== "week") throw validationFailed('"interval" is "day" or "week"', { field: "interval" });
  const by = raw.by ?? null;
  if (by !== null && by !== "organization" && by !== "audience") {
    throw validationFailed('"by" is "organization" or "audience"', { field: "by" });
  }
  return { from: isoDay(from), to: isoDay(to), interval, by };
}

/**
 * A group's insights: its moderators always. A public group's accepted
 * members too when the moderators turned on "members may see insights" (off
 * by default: ADR 0083). A members-only or secret group's insights are its
 * moderators' only, whatever the setting (issue 15's privacy rule). Outsiders
 * never; outsiders of a group they cannot see get the 404 the group answers.
 */
export function assertCanSeeGroupInsights(visibility: GroupVisibility, membership: Membership | null, membersSeeInsights: boolean): void {
  if (maySeeGroupInsights(visibility, membership, membersSeeInsights)) return;
  if (visibility !== "public") throw forbidden("A members-only group's insights are for its moderators only");
  if (membersSeeInsights) throw forbidden("This group's insights are for its members and moderators: join the group first");
  throw forbidden("This group's insights are for its moderators (they can let members see them in the group's settings)");
}

/** The same rule as a yes or no, for showing the way in (the Insights tab). */
export function maySeeGroupInsights(visibility: GroupVisibility, membership: Membership | null, membersSeeInsights: boolean): boolean {
  return isModerator(membership) || (visibility === "public" && membersSeeInsights && isMember(membership));
}

/** Only a public group's members may be let in; a members-only group's insights stay its moderators'. */
export function assertMembersMaySeeInsights(visibility: GroupVisibility): void {
  if (visibility !== "public")
    throw validationFailed("A members-only group's insights are for its moderators only: members may see the insights of a public group");
}

/** The instance's insights and anyone's own figures are for admins; a person may see their own. */
export function assertCanSeePersonInsights(viewer: { actorId: string; role: string }, subjectId: string): void {
  if (viewer.role === "admin" || viewer.actorId === subjectId) return;
  throw forbidden("A person's figures are for them and the instance's admins");
}

export function assertAdmin(role: string): void {
  if (role !== "admin") throw forbidden("The instance's insights are for its admins");
}

/** Keys (organizations or audiences) that may be shown on their own; the rest are added into SMALL_BUCKETS. */
export function visibleKeys(peoplePerKey: Map<string, number>): Set<string> {
  return new Set([...peoplePerKey].filter(([, n]) => n >= MIN_BREAKDOWN_PEOPLE).map(([k]) => k));
}

export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
}

/** Why a small group's figures are left out (the API's `withheld[].reason`, the pages' "not shown: …"). */
export const SMALL_GROUP_REASON = `fewer than ${MIN_BREAKDOWN_PEOPLE} members`;

/** A figure left out of an answer: `figure` names the field of the answer that stays empty. */
export interface WithheldFigure {
  figure: string;
  reason: string;
}

/**
 * What a group's answer leaves out under the fewer-than-5 rule: with fewer
 * members, nothing is broken down by organization or audience, whether a
 * split was asked for (`by`) or comes with the figure (answer rates, the
 * collaboration pairs). `small` is true exactly when something is withheld.
 */
export function smallGroupWithholding(members: number | null, figures: string[]): { small: boolean; withheld: WithheldFigure[] } {
  if (members === null || members >= MIN_BREAKDOWN_PEOPLE) return { small: false, withheld: [] };
  return { small: figures.length > 0, withheld: figures.map((figure) => ({ figure, reason: SMALL_GROUP_REASON })) };
}
