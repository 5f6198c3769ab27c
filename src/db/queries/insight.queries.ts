// Reads of the insight rollups (migration 0080): sums of insight_daily, distinct
// people from insight_active, threads from insight_threads. Every read is
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

export async function threadStats(db: Db, scope: InsightScope, range: Range): Promise<ThreadStats> {
  const r = await sql<{ threads: number; answered: number; median: number | null; mean: number | null }>`
    select count(*)::int as threads, count(t.first_reply_at)::int as answered,
      percentile_cont(0.5) within group (order by extract(epoch from t.first_reply_at - t.opened_at)) / 3600 as median,
      avg(extract(epoch from t.first_reply_at - t.opened_at)) / 3600 as mean
    from insight_threads t where ${threadScope(scope)} and ${inRange(range)}`.execute(db);
  const row = r.rows[0]!;
  const hours = (v: number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);
  return { threads: row.threads, answered: row.answered, medianHoursToFirstReply: hours(row.median), meanHoursToFirstReply: hours(row.mean) };
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
  median_hours: number | null;
}

/** For each asking organization (or audience) and each answering organization: threads asked, threads that organization answered. */
export async function answerRates(db: Db, scope: InsightScope, range: Range, askers: "organization" | "audience"): Promise<AnswerRateRow[]> {
  const asker = askers === "organization" ? sql`t.organization` : sql`t.audience`;
  const [asked, answered] = await Promise.all([
    sql<{ asker: string; threads: number }>`
      select ${asker} as asker, count(*)::int as threads from insight_threads t
      where ${threadScope(scope)} and ${inRange(range)} group by 1`.execute(db),
    sql<{ asker: string; answerer: string; answered: number; median_hours: number | null }>`
      select ${asker} as asker, a.organization as answerer, count(*)::int as answered,
        percentile_cont(0.5) within group (order by extract(epoch from a.first_at - t.opened_at)) / 3600 as median_hours
      from insight_threads t join insight_thread_answers a on a.thread_uri = t.thread_uri
      where ${threadScope(scope)} and ${inRange(range)} and t.first_reply_at is not null
      group by 1, 2 order by 1, 2`.execute(db),
  ]);
  const threads = new Map(asked.rows.map((r) => [r.asker, r.threads]));
  return answered.rows.map((row) => ({
    asker: row.asker,
    answerer: row.answerer,
    threads: threads.get(row.asker) ?? 0,
    answered: row.answered,
    median_hours: row.median_hours === null ? null : Math.round(Number(row.median_hours) * 100) / 100,
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
