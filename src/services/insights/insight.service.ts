// Insights of a group (for its moderators, and its members where they allow it), of
// the instance (admins) and of one person (them and admins), read from the
// rollups the database keeps at write time (migration 0080, docs/insights.md).
// Nothing here is about reading: only what people posted, liked, voted, joined.
import {
  assertAdmin,
  assertCanSeeGroupInsights,
  assertCanSeePersonInsights,
  INSIGHT_METRICS,
  MIN_BREAKDOWN_PEOPLE,
  smallGroupWithholding,
  mergedTaskFigures,
  parseInsightQuery,
  share,
  SMALL_BUCKETS,
  visibleKeys,
  type InsightMetric,
  type InsightQuery,
  type WithheldFigure,
} from "../../domain/insight.rules.ts";
import {
  insightCounts,
  memberCount,
  rebuildInsights,
  threadFigures,
  unansweredThreads,
  type InsightScope,
  type RebuildStep,
} from "../../db/queries/insight.queries.ts";
import { ideaFigures, taskFigures } from "../../db/queries/insight-work.queries.ts";
import { personFigures } from "../../db/queries/insight-person.queries.ts";
import type { ServiceContext } from "../context.ts";
import type { Caller } from "../caller.ts";

/** Who asks: the API's caller or the web's signed-in user. */
export type Who = Pick<Caller, "username" | "role">;
import { findGroup, membershipOf } from "../groups/group.service.ts";
import { requireLocalUserActor, resolveActor } from "../accounts/actor.service.ts";
import { organizationsByDomain } from "../organizations/organization.service.ts";

export type RawInsightQuery = { from?: string; to?: string; interval?: string; by?: string };
type Figures = Record<InsightMetric, number>;

const zero = (): Figures => Object.fromEntries(INSIGHT_METRICS.map((m) => [m, 0])) as Figures;

export interface InsightsView {
  scope: { kind: "group"; id: string; handle: string } | { kind: "instance" };
  range: InsightQuery;
  /** Why `by` was not applied, or null when it was (or not asked). */
  breakdownWithheld: string | null;
  /** True when the fewer-than-5 rule left a figure out; `withheld` says which and why. */
  small: boolean;
  withheld: WithheldFigure[];
  totals: Figures & { members: number | null };
  series: Array<{ bucket: string; key: string | null } & Figures>;
  /** Names of the organizations (by domain) the figures mention. */
  organizations: Record<string, string>;
  responsiveness: Awaited<ReturnType<typeof responsiveness>>;
  tasks: Awaited<ReturnType<typeof taskFigures>>;
  ideas: Awaited<ReturnType<typeof ideaFigures>>;
}

/** The group whose insights the caller asks for, with its member count, once the insight privacy rule admits them. */
export async function groupForInsights(ctx: ServiceContext, caller: Who, ref: string) {
  const me = await requireLocalUserActor(ctx, caller.username);
  const group = await findGroup(ctx, ref, me.id);
  assertCanSeeGroupInsights(group.group.visibility, await membershipOf(ctx, group.actor.id, me.id), group.group.members_see_insights);
  return { group, members: await memberCount(ctx.db, group.actor.id) };
}

export async function groupInsights(ctx: ServiceContext, caller: Who, ref: string, raw: RawInsightQuery): Promise<InsightsView> {
  const { group, members } = await groupForInsights(ctx, caller, ref);
  const query = parseInsightQuery(raw);
  // A small group is never broken down: not by the `by` asked for, and not in its answer rates (asked or not).
  const small = members < MIN_BREAKDOWN_PEOPLE;
  const withheld = small && query.by ? `The group has fewer than ${MIN_BREAKDOWN_PEOPLE} members` : null;
  const view = await insights(ctx, group.actor.id, query, withheld, small);
  return {
    ...view,
    // Nor are its tasks split by organization: one row for all of them.
    tasks: small ? mergedTaskFigures(view.tasks) : view.tasks,
    ...smallGroupWithholding(members, [
      ...(query.by ? ["series"] : []),
      "responsiveness.answerRates.byOrganization",
      "responsiveness.answerRates.byAudience",
      "tasks.byOrganization",
    ]),
    scope: { kind: "group", id: group.actor.id, handle: `@${group.actor.username}@${group.actor.domain}` },
    totals: { ...view.totals, members },
  };
}

export async function instanceInsights(ctx: ServiceContext, caller: Who, raw: RawInsightQuery): Promise<InsightsView> {
  assertAdmin(caller.role);
  return insights(ctx, null, parseInsightQuery(raw), null, false);
}

/** One person's own figures over a period: theirs and the admins' to see. */
export async function personInsights(ctx: ServiceContext, caller: Who, target: string | undefined, raw: RawInsightQuery) {
  const me = await requireLocalUserActor(ctx, caller.username);
  const subject = target ? await resolveActor(ctx, target) : { id: me.id, username: me.username, domain: me.domain };
  assertCanSeePersonInsights({ actorId: me.id, role: caller.role }, subject.id);
  const query = parseInsightQuery(raw);
  const rows = await personFigures(ctx.db, subject.id, query);
  const totals = zero();
  for (const r of rows) if (r.metric in totals) totals[r.metric as InsightMetric] = r.count;
  return { actor: `@${subject.username}@${subject.domain}`, range: query, totals };
}

async function insights(ctx: ServiceContext, scope: InsightScope, query: InsightQuery, withheld: string | null, small: boolean): Promise<InsightsView> {
  const by = withheld ? null : query.by;
  const today = new Date().toISOString().slice(0, 10);
  // Series, totals and active people are one statement (insightCounts).
  const [{ series: rows, totals: totalRows, people }, resp, tasks, ideas] = await Promise.all([
    insightCounts(ctx.db, scope, query, query.interval, by, today),
    responsiveness(ctx, scope, query, small),
    taskFigures(ctx.db, scope, query, today),
    ideaFigures(ctx.db, scope, query),
  ]);
  const shown = people ? visibleKeys(people) : null;
  const series = new Map<string, { bucket: string; key: string | null } & Figures>();
  for (const r of rows) {
    const key = shown ? (shown.has(r.key) ? r.key : SMALL_BUCKETS) : null;
    const id = `${r.bucket}\u0000${key}`;
    const entry = series.get(id) ?? { bucket: r.bucket, key, ...zero() };
    // A person has one organization and one audience, so adding small buckets' distinct people counts nobody twice.
    entry[r.metric as InsightMetric] += r.count;
    series.set(id, entry);
  }
  const totals = zero();
  for (const r of totalRows) if (r.metric in totals) totals[r.metric as InsightMetric] += r.count;
  // Every organization the figures name, the unanswered threads' included: a page shows names, not domains.
  const domains = new Set<string>([
    ...tasks.map((t) => t.organization),
    ...resp.answerRates.byOrganization.flatMap((r) => [r.asker, r.answerer]),
    ...resp.unanswered.map((u) => u.organization),
  ]);
  if (by === "organization") for (const e of series.values()) if (e.key && e.key !== SMALL_BUCKETS) domains.add(e.key);
  const orgs = await organizationsByDomain(ctx, domains);
  return {
    scope: { kind: "instance" },
    range: query,
    breakdownWithheld: withheld,
    small: false,
    withheld: [],
    totals: { ...totals, members: null },
    series: [...series.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : String(a.key).localeCompare(String(b.key)))),
    organizations: Object.fromEntries([...orgs].map(([d, o]) => [d, o.name ?? d])),
    responsiveness: resp,
    tasks,
    ideas,
  };
}

async function responsiveness(ctx: ServiceContext, scope: InsightScope, query: InsightQuery, small: boolean) {
  // One read of the thread rollups gives the totals and both answer-rate splits.
  const [{ byOrganization, byAudience, ...stats }, unanswered] = await Promise.all([
    threadFigures(ctx.db, scope, query),
    unansweredThreads(ctx.db, scope, query),
  ]);
  const rate = (r: { asker: string; answerer: string; threads: number; answered: number; mean_hours: number | null }) => ({
    asker: r.asker,
    answerer: r.answerer,
    threads: r.threads,
    answered: r.answered,
    rate: share(r.answered, r.threads),
    meanHours: r.mean_hours,
  });
  return {
    ...stats,
    answeredShare: share(stats.answered, stats.threads),
    unanswered: unanswered.map((u) => ({ postId: u.post_id, uri: u.thread_uri, organization: u.organization, audience: u.audience, openedAt: u.opened_at })),
    // A group of fewer than 5 members is not split (docs/insights.md, "Fewer than 5").
    answerRates: { byOrganization: small ? [] : byOrganization.map(rate), byAudience: small ? [] : byAudience.map(rate) },
  };
}

/** Rebuilds every rollup from the stored activity (`ecotone insights backfill`); the triggers keep them from then on. */
export async function backfillInsights(ctx: ServiceContext): Promise<{ seconds: number; steps: RebuildStep[] }> {
  const started = Date.now();
  const steps = await rebuildInsights(ctx.db);
  ctx.logger.info({ seconds: (Date.now() - started) / 1000, steps }, "insight rollups rebuilt");
  return { seconds: (Date.now() - started) / 1000, steps };
}
