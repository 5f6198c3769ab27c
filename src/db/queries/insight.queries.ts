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

const bucketOf = (interval: Interval) => (interval === "week" ? sql<string>`date_trunc('week', day)::date` : sql<string>`day`);
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
 */
export async function countSeries(db: Db, scope: InsightScope, range: Range, interval: Interval, by: Breakdown): Promise<CountRow[]> {
  const activeMetric = interval === "day" ? "active" : "active_week";
  const r = await sql<CountRow>`
    select to_char(bucket, 'YYYY-MM-DD') as bucket, metric, key, count from (
    select ${bucketOf(interval)} as bucket, case when metric like 'active%' then 'active' else metric end as metric, ${keyOf(by)} as key,
      sum(count)::int as count
    from insight_daily
    where ${scopeOf(scope)} and ${rowsOf(by)}
      and ((metric not like 'active%' and day between ${range.from}::date and ${range.to}::date)
        or (metric = ${activeMetric} and day between date_trunc('week', ${range.from}::date)::date and ${range.to}::date))
    group by 1, 2, 3) x order by 1, 2, 3`.execute(db);
  return r.rows;
}

/** Distinct people active in the range, per key: from the last active day when the range reaches today, else from the days. */
async function activePeople(db: Db, scope: InsightScope, range: Range, by: Breakdown, today: string) {
  const rows =
    range.to >= today
      ? await sql<{ key: string; n: number }>`
          select ${keyOf(by)} as key, count(*)::int as n from insight_last_active
          where ${scopeOf(scope)} and last_day >= ${range.from}::date group by 1`.execute(db)
      : await sql<{ key: string; n: number }>`
          select ${keyOf(by)} as key, count(distinct actor_id)::int as n from insight_active
          where ${scopeOf(scope)} and day between ${range.from}::date and ${range.to}::date group by 1`.execute(db);
  return rows.rows;
}

/** Totals over the whole range per metric, with distinct active people. */
export async function countTotals(db: Db, scope: InsightScope, range: Range, today: string): Promise<Array<{ metric: string; count: number }>> {
  const counts = await sql<{ metric: string; count: number }>`
    select metric, sum(count)::int as count from insight_daily
    where ${scopeOf(scope)} and organization = '' and day between ${range.from}::date and ${range.to}::date and metric not like 'active%'
    group by 1`.execute(db);
  const active = await activePeople(db, scope, range, null, today);
  return [...counts.rows, { metric: "active", count: active[0]?.n ?? 0 }];
}

/** Distinct people per breakdown key who did anything in the range (for the < 5 people rule). */
export async function peoplePerKey(db: Db, scope: InsightScope, range: Range, by: Exclude<Breakdown, null>, today: string): Promise<Map<string, number>> {
  return new Map((await activePeople(db, scope, range, by, today)).map((r) => [r.key, r.n]));
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

/**
 * A period cut into the whole months inside it and the days at its ends, so
 * thread rollups are read one row per month where they can (migration 0086).
 */
export function monthSplit(range: Range): { months: Range | null; days: Range[] } {
  const from = new Date(`${range.from}T00:00:00Z`);
  const to = new Date(`${range.to}T00:00:00Z`);
  const firstFull = from.getUTCDate() === 1 ? from : new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const afterTo = new Date(to.getTime() + 86_400_000);
  // The first day after the last whole month: to's month start, or the next month's when `to` ends its month.
  const end = afterTo.getUTCDate() === 1 ? afterTo : new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), 1));
  if (firstFull >= end) return { months: null, days: [range] };
  const days: Range[] = [];
  if (from < firstFull) days.push({ from: range.from, to: isoDay(new Date(firstFull.getTime() - 86_400_000)) });
  if (end <= to) days.push({ from: isoDay(end), to: range.to });
  const lastMonth = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  return { months: { from: isoDay(firstFull), to: isoDay(lastMonth) }, days };
}

/** The thread rollup rows of a scope and range: whole months from insight_thread_monthly, the ends from insight_thread_daily. */
function threadRows(scope: InsightScope, range: Range) {
  const { months, days } = monthSplit(range);
  const g = scope ?? "*";
  const parts = days.map(
    (d) => sql`select organization, audience, answerer, threads, answered, reply_seconds from insight_thread_daily
      where group_id = ${g} and day between ${d.from}::date and ${d.to}::date`,
  );
  if (months) {
    parts.push(sql`select organization, audience, answerer, threads, answered, reply_seconds from insight_thread_monthly
      where group_id = ${g} and month between ${months.from}::date and ${months.to}::date`);
  }
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

export async function threadStats(db: Db, scope: InsightScope, range: Range): Promise<ThreadStats> {
  const [sums, latency] = await Promise.all([
    sql<{ threads: number | null; answered: number | null; seconds: string | null }>`
      select sum(threads)::int as threads, sum(answered)::int as answered, sum(reply_seconds)::text as seconds
      from (${threadRows(scope, range)}) x where answerer = ''`.execute(db),
    sql<{ bucket: number; count: number }>`
      select bucket, sum(count)::int as count from insight_thread_latency where ${dailyThreads(scope, range)} group by 1`.execute(db),
  ]);
  const row = sums.rows[0];
  const answered = row?.answered ?? 0;
  const median = medianMinutes(latency.rows.filter((b) => b.count > 0));
  return {
    threads: row?.threads ?? 0,
    answered,
    medianHoursToFirstReply: median === null ? null : Math.round((median / 60) * 100) / 100,
    meanHoursToFirstReply: hours(Number(row?.seconds ?? 0), answered),
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

export interface AnswerRateRow {
  /** The askers' organization or audience. */
  asker: string;
  answerer: string;
  threads: number;
  answered: number;
  mean_hours: number | null;
}

/** For each asking organization (or audience) and each answering organization: threads asked, threads that organization answered. */
export async function answerRates(db: Db, scope: InsightScope, range: Range, askers: "organization" | "audience"): Promise<AnswerRateRow[]> {
  const asker = askers === "organization" ? sql`organization` : sql`audience`;
  const r = await sql<{ asker: string; answerer: string; threads: number; answered: number; seconds: string }>`
    select ${asker} as asker, answerer, sum(threads)::int as threads, sum(answered)::int as answered, sum(reply_seconds)::text as seconds
    from (${threadRows(scope, range)}) x group by 1, 2`.execute(db);
  const threads = new Map(r.rows.filter((row) => row.answerer === "").map((row) => [row.asker, row.threads]));
  return r.rows
    .filter((row) => row.answerer !== "" && row.answered > 0)
    .sort((a, b) => a.asker.localeCompare(b.asker) || a.answerer.localeCompare(b.answerer))
    .map((row) => ({
      asker: row.asker,
      answerer: row.answerer,
      threads: threads.get(row.asker) ?? 0,
      answered: row.answered,
      mean_hours: hours(Number(row.seconds), row.answered),
    }));
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

/** Rebuilds every rollup from the base tables (`ecotone insights backfill`). */
export async function rebuildInsights(db: Db): Promise<void> {
  await sql`select ecotone_insight_backfill()`.execute(db);
}
