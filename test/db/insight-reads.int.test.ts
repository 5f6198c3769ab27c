// How an insights answer reads the rollups (issue 15's speed target): the
// statements it sends, and the rollup rows they read. A year of rollup rows
// before the period must not be read, and an answer is a fixed, small number
// of statements (on PGlite each waits for the one before).
import { analyzedPlan, captureStatements, rowsReadByTable } from "../../src/db/statement-capture.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompiledQuery, sql, type Kysely } from "kysely";
import { insightCounts } from "../../src/db/queries/insight.queries.ts";
import type { Database } from "../../src/db/schema.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { groupInsights, instanceInsights } from "../../src/services/insights/insight.service.ts";
import { createPost, likePost } from "../../src/services/posts/post.service.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestContext } from "../helpers/service-context.ts";

let ctx: ServiceContext;
let handle: DatabaseHandle;
let groupId: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const period = { from: day(-13), to: day(0) };
const today = day(0);

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
  for (const username of ["alice", "bob"]) await createUser(ctx, { username, password: "correct horse battery staple" });
  groupId = (await createGroup(ctx, "alice", { slug: "help", name: "Help" })).actor.id;
  await joinGroup(ctx, "bob", "help");
  const post = await createPost(ctx, "alice", { group: "help", content: "Where is the invoice?" });
  await likePost(ctx, "bob", post.id);
});

afterAll(async () => {
  await handle.close();
});

/** Runs `read` with ctx.db capturing every statement it sends. */
async function captured<T>(read: (db: Kysely<Database>) => Promise<T>): Promise<{ result: T; statements: CompiledQuery[] }> {
  const db = ctx.db as Kysely<Database>;
  const { plugin, statements } = captureStatements(db);
  const mutable = ctx as { db: Kysely<Database> };
  mutable.db = db.withPlugin(plugin);
  try {
    return { result: await read(mutable.db), statements };
  } finally {
    mutable.db = db;
  }
}

/** Rows the statements' scans of a table read: those they returned and those their filter threw away (EXPLAIN ANALYZE). */
async function rowsRead(statements: CompiledQuery[], table: string): Promise<number> {
  let rows = 0;
  for (const q of statements) rows += rowsReadByTable(await analyzedPlan(ctx.db, q)).get(table) ?? 0;
  return rows;
}

/** A year of rollup rows before the period (as an instance that has run a year has), for the group and the instance. */
async function addAYearBefore() {
  await sql`
    insert into insight_daily (group_id, day, metric, organization, audience, count)
    select g, current_date - d, m, o, 'customers', 3
    from unnest(array[${groupId}, '*']) g, generate_series(30, 400) d,
      unnest(array['posts', 'replies', 'likes', 'active', 'active_week']) m, unnest(array['', 'a.example', 'b.example']) o
    on conflict do nothing`.execute(ctx.db);
}

describe("insights read only the period's rollup rows", () => {
  it("a year of rows before the period is not read, and the figures stay the same", async () => {
    const reads = [
      () => insightCounts(ctx.db, groupId, period, "day", null, today),
      () => insightCounts(ctx.db, groupId, period, "week", "organization", today),
      () => insightCounts(ctx.db, null, period, "week", "audience", today),
    ];
    const before = [];
    for (const read of reads) {
      const { result, statements } = await captured(read);
      before.push({ result, rows: await rowsRead(statements, "insight_daily") });
    }
    expect(before[0]!.result.totals).toContainEqual({ metric: "posts", count: 1 });
    expect(before[0]!.result.totals).toContainEqual({ metric: "likes", count: 1 });

    await addAYearBefore();
    expect(Number((await sql<{ n: string }>`select count(*) as n from insight_daily`.execute(ctx.db)).rows[0]!.n)).toBeGreaterThan(10_000);
    for (const [i, read] of reads.entries()) {
      const { result, statements } = await captured(read);
      expect(result).toEqual(before[i]!.result);
      expect(await rowsRead(statements, "insight_daily")).toBe(before[i]!.rows);
    }
    // The control: a period that does reach back that far reads those rows and counts them.
    const { result, statements } = await captured(() => insightCounts(ctx.db, groupId, { from: day(-60), to: day(0) }, "day", null, today));
    expect(await rowsRead(statements, "insight_daily")).toBeGreaterThan(before[0]!.rows + 100);
    expect(result.totals.find((t) => t.metric === "posts")!.count).toBe(1 + 31 * 3);
  });

  it("a daily series starts on its first day, for active people too; a weekly one shows the week that day falls in", async () => {
    // A period from a Thursday, with people active on the Monday to Wednesday before it.
    const thursday = (await sql<{ d: string }>`select to_char(date_trunc('week', current_date - 14)::date + 3, 'YYYY-MM-DD') as d`.execute(ctx.db)).rows[0]!.d;
    const monday = (await sql<{ d: string }>`select to_char(${thursday}::date - 3, 'YYYY-MM-DD') as d`.execute(ctx.db)).rows[0]!.d;
    await sql`
      insert into insight_daily (group_id, day, metric, organization, audience, count)
      select ${groupId}, ${thursday}::date - d, 'active', '', '', 4 from generate_series(1, 3) d
      union all select ${groupId}, ${monday}::date, 'active_week', '', '', 9
      union all select ${groupId}, ${thursday}::date, 'active', '', '', 2`.execute(ctx.db);
    try {
      const range = { from: thursday, to: day(0) };
      const daily = await insightCounts(ctx.db, groupId, range, "day", null, today);
      const activeDays = daily.series.filter((row) => row.metric === "active");
      expect(activeDays.map((row) => row.bucket)).toContain(thursday);
      expect(activeDays.every((row) => row.bucket >= thursday)).toBe(true);
      const weekly = await insightCounts(ctx.db, groupId, range, "week", null, today);
      expect(weekly.series).toContainEqual({ bucket: monday, metric: "active", key: "", count: 9 });
    } finally {
      await sql`delete from insight_daily where group_id = ${groupId} and metric like 'active%' and day between ${monday}::date and ${thursday}::date`.execute(
        ctx.db,
      );
    }
  });

  it("counts the people active in a period ending today from their last active days, not one row per person, exactly under retries", async () => {
    const read = () => insightCounts(ctx.db, groupId, period, "week", "organization", today);
    const before = await captured(read);
    const active = (r: typeof before.result) => r.totals.find((t) => t.metric === "active")!.count;
    // 600 more people of one organization, last active today (written as the insight triggers write them), then the same writes again (a retry).
    const upsert = (d: string) => sql`
      insert into insight_last_active (group_id, actor_id, organization, audience, last_day)
      select ${groupId}, 'p' || n, 'c.example', 'customers', ${d}::date from generate_series(1, 600) n
      on conflict (group_id, actor_id) do update set last_day = greatest(insight_last_active.last_day, excluded.last_day)`;
    await upsert(day(-5)).execute(ctx.db);
    await upsert(today).execute(ctx.db);
    await upsert(day(-5)).execute(ctx.db);
    const after = await captured(read);
    expect(active(after.result)).toBe(active(before.result) + 600);
    expect(after.result.people!.get("c.example")).toBe(600);
    expect(await rowsRead(after.statements, "insight_last_active")).toBe(0);
    // Six hundred people more, a few rows read: their organization on their last days.
    expect(await rowsRead(after.statements, "insight_last_active_days")).toBeLessThan(10);
    // A period before their last day does not count them; one that holds it does, once.
    const older = await insightCounts(ctx.db, groupId, { from: day(-1), to: today }, "day", "organization", today);
    expect(older.people!.get("c.example")).toBe(600);
    await sql`delete from insight_last_active where actor_id like 'p%'`.execute(ctx.db);
    expect((await insightCounts(ctx.db, groupId, period, "week", "organization", today)).totals).toEqual(before.result.totals);
  });

  it("an answer is one statement for series, totals and active people, and one for the thread figures", async () => {
    const insightReads = (statements: CompiledQuery[]) => ({
      all: statements.length,
      counts: statements.filter((q) => /insight_daily|insight_last_active|insight_active\b/.test(q.sql)).length,
      threads: statements.filter((q) => /insight_thread_(daily|monthly|latency)/.test(q.sql)).length,
    });
    const admin = { username: "alice", role: "admin" };
    const instance = await captured(() => instanceInsights(ctx, admin, { from: period.from, to: period.to, interval: "week", by: "audience" }));
    expect(instance.result.totals.posts).toBe(1);
    // Counts, thread figures, the oldest unanswered threads, tasks, ideas, and the
    // organizations' names (one statement; here the unanswered thread names one).
    expect(insightReads(instance.statements)).toEqual({ all: 6, counts: 1, threads: 1 });
    const group = await captured(() => groupInsights(ctx, admin, "help", { from: period.from, to: period.to, interval: "week", by: "organization" }));
    expect(group.result.totals.likes).toBe(1);
    expect(insightReads(group.statements)).toMatchObject({ counts: 1, threads: 1 });
  });
});
