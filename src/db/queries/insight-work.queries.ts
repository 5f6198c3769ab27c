// Insight reads over tasks and ideas. These tables are small beside posts and
// likes and are read through their group indexes (tasks_group_idx,
// ideas_group_idx), so they are not rolled up.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";
import type { InsightScope, Range } from "./insight.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

const taskScope = (scope: InsightScope) => (scope === null ? sql`t.is_home` : sql`t.group_id = ${scope}`);
const hours = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

export interface TaskFigures {
  organization: string;
  opened: number;
  done: number;
  meanCycleHours: number | null;
  overdue: number;
}

/** Per organization of the task's author: opened and done in the range, mean cycle time of those done, overdue now. */
export async function taskFigures(db: Db, scope: InsightScope, range: Range, today: string): Promise<TaskFigures[]> {
  const r = await sql<{ organization: string; opened: number; done: number; cycle: number | null; overdue: number }>`
    select a.domain as organization,
      count(*) filter (where t.created_at >= ${range.from}::date and t.created_at < ${range.to}::date + 1)::int as opened,
      count(*) filter (where t.closed and t.resolved_at >= ${range.from}::date and t.resolved_at < ${range.to}::date + 1)::int as done,
      avg(extract(epoch from t.resolved_at - t.created_at)) filter (
        where t.closed and t.resolved_at >= ${range.from}::date and t.resolved_at < ${range.to}::date + 1) / 3600 as cycle,
      count(*) filter (where not t.closed and t.due_date is not null and t.due_date < ${today})::int as overdue
    from tasks t join actors a on a.id = t.author_id
    where ${taskScope(scope)}
    group by 1 order by 1`.execute(db);
  return r.rows
    .map((row) => ({ organization: row.organization, opened: row.opened, done: row.done, meanCycleHours: hours(row.cycle), overdue: row.overdue }))
    .filter((row) => row.opened + row.done + row.overdue > 0);
}

export interface IdeaFigures {
  proposed: number;
  /** Ideas proposed in the range, by the status they have now. */
  byStatus: Record<string, number>;
  /** Ideas proposed in the range that ever reached each status. */
  reached: Record<string, number>;
  answered: number;
  medianHoursToAnswer: number | null;
}

const ideaScope = (scope: InsightScope) => (scope === null ? sql`true` : sql`i.group_id = ${scope}`);

export async function ideaFigures(db: Db, scope: InsightScope, range: Range): Promise<IdeaFigures> {
  // Ideas of the period by the time they were proposed (their post's published_at,
  // kept in the idea's row: migration 0088), through ideas_group_proposed_idx /
  // ideas_proposed_idx: no post is read. One statement (on PGlite each statement of a
  // request waits for the one before): the period's ideas once, their status answers
  // once. The first answers come from a join: as a sub-select in the select list it
  // ran once per idea and per aggregate using it (155 ms against 26 ms for 659 ideas
  // on PGlite, docs/insights.md "Speed").
  const r = await sql<{ kind: "status" | "reached" | "answered"; status: string | null; n: number; median: number | null }>`
    with p as materialized (
      select i.post_id, i.status, i.proposed_at from ideas i
      where ${ideaScope(scope)} and i.proposed_at >= ${range.from}::date and i.proposed_at < ${range.to}::date + 1),
    h as materialized (select h.post_id, h.status, h.created_at from p join idea_status_history h on h.post_id = p.post_id)
    select 'status' as kind, p.status, count(*)::int as n, null::float8 as median from p group by p.status
    union all
    select 'reached', h.status, count(distinct h.post_id)::int, null from h group by h.status
    union all
    select 'answered', null, count(first_at)::int,
      percentile_cont(0.5) within group (order by extract(epoch from first_at - proposed_at)) / 3600
    from (select p.proposed_at, min(h.created_at) as first_at from p left join h on h.post_id = p.post_id group by p.post_id, p.proposed_at) x`.execute(db);
  const of = (kind: string) => r.rows.filter((x) => x.kind === kind);
  const answered = of("answered")[0];
  return {
    proposed: of("status").reduce((sum, x) => sum + x.n, 0),
    byStatus: Object.fromEntries(of("status").map((x) => [x.status, x.n])),
    reached: Object.fromEntries(of("reached").map((x) => [x.status, x.n])),
    answered: answered?.n ?? 0,
    medianHoursToAnswer: hours(answered?.median ?? null),
  };
}
