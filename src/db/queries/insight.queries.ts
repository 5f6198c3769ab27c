// Reads of the insight rollups (migration 0080): sums of insight_daily, distinct
// people from insight_active, thread figures from insight_thread_daily (0082). Every read is
// bounded by a group (or the instance) and a day range, on the tables' keys:
// no scan of posts or likes per request.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** A group's actor id, or null for the whole instance. */
export type InsightScope = string | null;
export type Interval = "day" | "week";
export type Breakdown = "organization" | "audience" | null;

export interface Range {
  from: string; // YYYY-MM-DD, inclusive
  to: string; // YYYY-MM-DD, inclusive
}

// A week is dated its Monday (2000-01-03 was one). Integer arithmetic on the date: the same
// day as date_trunc('week', day)::date, without a conversion to a timestamp per row
// (a third of the split weekly series' time on PGlite, docs/insights.md "Speed").
const bucketOf = (interval: Interval) => (interval === "week" ? sql<string>`day - ((day - date '2000-01-03') % 7 + 7) % 7` : sql<string>`day`);
const keyOf = (by: Breakdown) => (by === "organization" ? sql<string>`organization` : by === "audience" ? sql<string>`audience` : sql<string>`''`);
/** A group's rows, or the instance's ('*': every fact is also counted there). */
const scopeOf = (scope: InsightScope) => sql`group_id = ${scope ?? "*"}`;
/** Split reads take the detail rows; unsplit reads the one total row per day and metric. */
const rowsOf = (by: Breakdown) => (by === null ? sql`organization = ''` : sql`organization <> ''`);

export interface CountRow {
  bucket: string;
  metric: string;
  key: string;
  count: number;
}

/**
 * Counts per bucket × metric × key. `active` is daily active people per day, and
 * weekly active people per week (their own rollup, dated the week's Monday).
 * Both bounds of the days are in the index condition (the earliest day either
 * branch may want, then each branch's own): without the common lower bound the
 * OR left the index only `day <= to`, and every day before the period was read
 * and filtered out.
 */
/**
 * The first day whose `active` rows a series wants: a week's row is dated its Monday,
 * so a weekly series takes the row of the week `from` falls in; a daily one starts at
 * `from`, like every other metric (before, it also showed the days from that Monday).
 */
const activeFrom = (range: Range, interval: Interval) => (interval === "week" ? sql`date_trunc('week', ${range.from}::date)::date` : sql`${range.from}::date`);

function seriesRows(scope: InsightScope, range: Range, interval: Interval, by: Breakdown) {
  const activeMetric = interval === "day" ? "active" : "active_week";
  return sql`
    select to_char(bucket, 'YYYY-MM-DD') as bucket, metric, key, count from (
    select ${bucketOf(interval)} as bucket, case when metric like 'active%' then 'active' else metric end as metric, ${keyOf(by)} as key,
      sum(count)::int as count
    from insight_daily
    where ${scopeOf(scope)} and ${rowsOf(by)}
      and day between date_trunc('week', ${range.from}::date)::date and ${range.to}::date
      and ((metric not like 'active%' and day >= ${range.from}::date) or (metric = ${activeMetric} and day >= ${activeFrom(range, interval)}))
    group by 1, 2, 3) x`;
}

/** Totals over the whole range per metric (the one total row per day and metric). */
const totalRows = (scope: InsightScope, range: Range) => sql`
    select metric, sum(count)::int as count from insight_daily
    where ${scopeOf(scope)} and organization = '' and day between ${range.from}::date and ${range.to}::date and metric not like 'active%'
    group by 1`;

/**
 * Distinct people active in the range, in all (`total` true) and, when split,
 * per key: when the range reaches today, the people whose last active day is in
 * it (counted per last day, migration 0117: days × organizations rows, not one
 * per person), else from the days. Grouping sets give both from one pass.
 */
function activeRows(scope: InsightScope, range: Range, by: Breakdown, today: string) {
  const sets = by === null ? sql`()` : sql`(), (${keyOf(by)})`;
  const total = by === null ? sql`true` : sql`grouping(${keyOf(by)}) = 1`;
  const key = by === null ? sql`''` : sql`coalesce(${keyOf(by)}, '')`;
  return range.to >= today
    ? sql`
        select ${total} as total, ${key} as key, coalesce(sum(people), 0)::int as n from insight_last_active_days
        where ${scopeOf(scope)} and last_day >= ${range.from}::date group by grouping sets (${sets})`
    : sql`
        select ${total} as total, ${key} as key, count(distinct actor_id)::int as n from insight_active
        where ${scopeOf(scope)} and day between ${range.from}::date and ${range.to}::date group by grouping sets (${sets})`;
}

export interface InsightCounts {
  series: CountRow[];
  /** Per metric over the range, with `active` the distinct people. */
  totals: Array<{ metric: string; count: number }>;
  /** Distinct people per breakdown key (for the < 5 people rule), or null when not split. */
  people: Map<string, number> | null;
}

/**
 * The series, the totals and the active people of a scope and range, in one
 * statement (on PGlite every statement of a request waits for the one before,
 * and each is planned and run in turn): the three reads' rows side by side,
 * told apart by `part`.
 */
export async function insightCounts(db: Db, scope: InsightScope, range: Range, interval: Interval, by: Breakdown, today: string): Promise<InsightCounts> {
  const r = await sql<{ part: "series" | "totals" | "active"; bucket: string | null; metric: string; key: string; count: number; total: boolean | null }>`
    select 'series' as part, bucket, metric, key, count, null::boolean as total from (${seriesRows(scope, range, interval, by)}) s
    union all
    select 'totals', null, metric, '', count, null from (${totalRows(scope, range)}) t
    union all
    select 'active', null, 'active', key, n, total from (${activeRows(scope, range, by, today)}) a`.execute(db);
  const series = r.rows
    .filter((row) => row.part === "series")
    .map((row) => ({ bucket: row.bucket!, metric: row.metric, key: row.key, count: row.count }))
    .sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : a.metric.localeCompare(b.metric) || a.key.localeCompare(b.key)));
  const active = r.rows.filter((row) => row.part === "active");
  const totals = r.rows.filter((row) => row.part === "totals").map((row) => ({ metric: row.metric, count: row.count }));
  totals.push({ metric: "active", count: active.find((row) => row.total)?.count ?? 0 });
  // A key whose people all moved on to a later day sums to 0 there: not a key of the period.
  const people = by === null ? null : new Map(active.filter((row) => !row.total && row.count > 0).map((row) => [row.key, row.count]));
  return { series, totals, people };
}

export interface ThreadStats {
  threads: number;
  answered: number;
  medianHoursToFirstReply: number | null;
  meanHoursToFirstReply: number | null;
}

const threadScope = (scope: InsightScope) => (scope === null ? sql`true` : sql`t.group_id = ${scope}`);
const inRange = (range: Range) => sql`t.opened_at >= ${range.from}::date and t.opened_at < ${range.to}::date + 1`;
/** Per-day rollups (migration 0082) of a scope and range: the latency histogram. */
const dailyThreads = (scope: InsightScope, range: Range) => sql`group_id = ${scope ?? "*"} and day between ${range.from}::date and ${range.to}::date`;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

/** A part of a period for the thread rollups: a month (monthly grain) or days (daily grain), added or, with sign −1, taken back. */
export interface PeriodPart {
  grain: "month" | "day";
  from: string;
  to: string;
  sign: 1 | -1;
}

/**
 * A period as few rollup rows as it can be read from: a whole month is one
 * month row (migration 0086); a month mostly inside the period is its month
 * row minus the days outside it; a month mostly outside, its days inside. At
 * most half a month of daily rows is read at each end (the daily rows of a
 * month add up to its month row, so the sums stay exact).
 */
export function periodParts(range: Range): PeriodPart[] {
  const from = new Date(`${range.from}T00:00:00Z`);
  const to = new Date(`${range.to}T00:00:00Z`);
  const parts: PeriodPart[] = [];
  for (let month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); month <= to;) {
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const last = new Date(next.getTime() - DAY_MS);
    const first = from > month ? from : month;
    const end = to < last ? to : last;
    const monthDays = (next.getTime() - month.getTime()) / DAY_MS;
    const inside = (end.getTime() - first.getTime()) / DAY_MS + 1;
    const m = isoDay(month);
    if (inside === monthDays) parts.push({ grain: "month", from: m, to: m, sign: 1 });
    else if (monthDays - inside < inside) {
      parts.push({ grain: "month", from: m, to: m, sign: 1 });
      if (first > month) parts.push({ grain: "day", from: m, to: isoDay(new Date(first.getTime() - DAY_MS)), sign: -1 });
      if (end < last) parts.push({ grain: "day", from: isoDay(new Date(end.getTime() + DAY_MS)), to: isoDay(last), sign: -1 });
    } else parts.push({ grain: "day", from: isoDay(first), to: isoDay(end), sign: 1 });
    month = next;
  }
  return parts;
}

/** The thread rollup rows of a scope and range, signed (see periodParts). */
function threadRows(scope: InsightScope, range: Range) {
  const g = scope ?? "*";
  const parts = periodParts(range).map((p) => {
    const sign = sql.raw(String(p.sign));
    const values = sql`organization, audience, answerer, ${sign} * threads as threads, ${sign} * answered as answered, ${sign} * reply_seconds as reply_seconds`;
    return p.grain === "month"
      ? sql`select ${values} from insight_thread_monthly where group_id = ${g} and month between ${p.from}::date and ${p.to}::date`
      : sql`select ${values} from insight_thread_daily where group_id = ${g} and day between ${p.from}::date and ${p.to}::date`;
  });
  return sql.join(parts, sql` union all `);
}
const hours = (seconds: number, n: number) => (n === 0 ? null : Math.round((seconds / n / 3600) * 100) / 100);

/**
 * The median minutes of a latency histogram (bucket b: minutes m with
 * floor(4 × log2(m + 1)) = b), interpolated inside the bucket that holds the
 * middle: within a fifth of the exact median (ADR 0082).
 */
export function medianMinutes(buckets: Array<{ bucket: number; count: number }>): number | null {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const b of [...buckets].sort((x, y) => x.bucket - y.bucket)) {
    if (seen + b.count >= total / 2) {
      const low = 2 ** (b.bucket / 4) - 1;
      const high = 2 ** ((b.bucket + 1) / 4) - 1;
      return low + ((total / 2 - seen) / b.count) * (high - low);
    }
    seen += b.count;
  }
  return null;
}

export interface AnswerRateRow {
  /** The askers' organization or audience. */
  asker: string;
  answerer: string;
  threads: number;
  answered: number;
  mean_hours: number | null;
}

export interface ThreadFigures extends ThreadStats {
  /** For each asking organization and each answering organization: threads asked, threads that organization answered. */
  byOrganization: AnswerRateRow[];
  /** The same per asking audience. */
  byAudience: AnswerRateRow[];
}

/**
 * Every thread figure of a scope and range in one pass over the rollup rows
 * (grouping sets: per asking organization and per asking audience, each by
 * answerer; answerer '' is all threads), and the latency histogram beside it.
 */
export async function threadFigures(db: Db, scope: InsightScope, range: Range): Promise<ThreadFigures> {
  // One statement: the grouped sums and, beside them (part 'latency'), the histogram.
  const r = await sql<{
    part: "sums" | "latency";
    organization: string | null;
    audience: string | null;
    answerer: string;
    threads: number;
    answered: number;
    seconds: string;
    bucket: number;
  }>`
    select 'sums' as part, organization, audience, answerer, sum(threads)::int as threads, sum(answered)::int as answered,
      sum(reply_seconds)::text as seconds, null::int as bucket
    from (${threadRows(scope, range)}) x group by grouping sets ((organization, answerer), (audience, answerer))
    union all
    select 'latency', null, null, '', null, sum(count)::int, null, bucket from insight_thread_latency where ${dailyThreads(scope, range)} group by bucket`.execute(
    db,
  );
  const sums = { rows: r.rows.filter((row) => row.part === "sums") };
  const latency = { rows: r.rows.filter((row) => row.part === "latency").map((row) => ({ bucket: row.bucket, count: row.answered })) };
  const byOrg = sums.rows.filter((r) => r.organization !== null);
  const rates = (rows: typeof sums.rows, askerOf: (r: (typeof sums.rows)[number]) => string): AnswerRateRow[] => {
    const threads = new Map(rows.filter((row) => row.answerer === "").map((row) => [askerOf(row), row.threads]));
    return rows
      .filter((row) => row.answerer !== "" && row.answered > 0)
      .map((row) => ({
        asker: askerOf(row),
        answerer: row.answerer,
        threads: threads.get(askerOf(row)) ?? 0,
        answered: row.answered,
        mean_hours: hours(Number(row.seconds), row.answered),
      }))
      .sort((a, b) => a.asker.localeCompare(b.asker) || a.answerer.localeCompare(b.answerer));
  };
  const all = byOrg.filter((r) => r.answerer === "");
  const answered = all.reduce((n, r) => n + r.answered, 0);
  const median = medianMinutes(latency.rows.filter((b) => b.count > 0));
  return {
    threads: all.reduce((n, r) => n + r.threads, 0),
    answered,
    medianHoursToFirstReply: median === null ? null : Math.round((median / 60) * 100) / 100,
    meanHoursToFirstReply: hours(
      all.reduce((n, r) => n + Number(r.seconds), 0),
      answered,
    ),
    byOrganization: rates(byOrg, (r) => r.organization!),
    byAudience: rates(
      sums.rows.filter((r) => r.audience !== null),
      (r) => r.audience!,
    ),
  };
}

export interface UnansweredRow {
  post_id: string;
  thread_uri: string;
  organization: string;
  audience: string;
  opened_at: Date;
}

export async function unansweredThreads(db: Db, scope: InsightScope, range: Range, limit = 20): Promise<UnansweredRow[]> {
  const r = await sql<UnansweredRow>`
    select t.post_id, t.thread_uri, t.organization, t.audience, t.opened_at from insight_threads t
    where ${threadScope(scope)} and ${inRange(range)} and t.first_reply_at is null
    order by t.opened_at limit ${limit}`.execute(db);
  return r.rows;
}

/** Accepted members of a group now (the < 5 people rule). */
export async function memberCount(db: Db, groupId: string): Promise<number> {
  const r = await db
    .selectFrom("follows")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("followee_id", "=", groupId)
    .where("state", "=", "accepted")
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** One step of the rebuild and its time (migration 0102), in the order it ran. */
export interface RebuildStep {
  step: string;
  ms: number;
}

/** Rebuilds every rollup from the base tables (`ecotone insights backfill`), in one transaction. */
export async function rebuildInsights(db: Db): Promise<RebuildStep[]> {
  const r = await sql<RebuildStep>`select step, ms from ecotone_insight_backfill()`.execute(db);
  return r.rows.map((s) => ({ step: s.step, ms: Number(s.ms) }));
}
