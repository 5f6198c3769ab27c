// Scenario — insights at size: a group's and the instance's insights over 90
// days (by day, by week split by organization) over a database seeded in bulk
// SQL (--large: 1M posts, 50k people, 100 organizations; default 100k/10k/100).
// The rollups are rebuilt by the set-based backfill (timed), then each route
// is called through fastify.inject in this process: the server's own time.
// Targets (issue 15): p95 < 200 ms on PostgreSQL, < 400 ms on PGlite.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { CompiledQuery } from "kysely";
import pg from "pg";
import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { insightCounts, rebuildInsights, threadFigures, unansweredThreads } from "../../src/db/queries/insight.queries.ts";
import { ideaFigures, taskFigures } from "../../src/db/queries/insight-work.queries.ts";
import { createToken } from "../../src/services/accounts/token.service.ts";
import { createUser, getUserByUsername } from "../../src/services/accounts/user.service.ts";
import { freePort } from "../../test/helpers/instances.ts";
import { withSearchPath } from "../../test/helpers/test-database.ts";
import { withIndexesBuiltAfter } from "../lib/bulk-indexes.ts";
import { percentile, type Figures, type ScenarioResult } from "../lib/stats.ts";

export interface InsightsOptions {
  posts: number;
  people: number;
  organizations: number;
  groups: number;
  days: number;
  samples: number;
}

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; dataDir: string; cleanup: () => void }> {
  const url = process.env.DATABASE_URL;
  const dataDir = mkdtempSync(join(tmpdir(), "ecotone-bench-insights-"));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  if (!url) return { handle: await openDatabase({ databaseUrl: undefined, dataDir: join(dataDir, "db") }), dataDir, cleanup };
  const schema = `bench_insights_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  return { handle: await openDatabase({ databaseUrl: withSearchPath(url, schema), dataDir: "memory://" }), dataDir, cleanup };
}

/**
 * People of `organizations` other companies (a third customers, a fifth
 * partners), local groups the admin owns, posts over `days` days: two roots
 * then a reply by someone of another company, a like on every second post, an
 * idea every hundredth root. The insight triggers are off while seeding; the
 * backfill builds the rollups afterwards, as `ecotone insights backfill` does.
 */
export async function seed(handle: DatabaseHandle, options: InsightsOptions, adminActorId: string, host: string) {
  await withIndexesBuiltAfter(handle.db, SEEDED_TABLES, () => load(handle, options, adminActorId, host));
  await handle.db.executeQuery(CompiledQuery.raw("analyze"));
}

/** Tables the seed fills; their secondary indexes are built after the load (bench/lib/bulk-indexes.ts). */
const SEEDED_TABLES = ["actors", "groups", "group_roles", "follows", "partners", "posts", "likes", "ideas"];

async function load(handle: DatabaseHandle, options: InsightsOptions, adminActorId: string, host: string) {
  // Each step is one bulk statement; its time is printed so a slow seed shows where it stalls.
  let step = 0;
  const run = async (text: string) => {
    const t0 = performance.now();
    await handle.db.executeQuery(CompiledQuery.raw(text));
    const label = text.trim().split("\n")[0]!.replace(/\s+/g, " ").slice(0, 60);
    process.stderr.write(`  seed ${++step}: ${label} — ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };
  const { posts, people, organizations, groups, days } = options;
  const person = (n: string) => `'9' || lpad((${groups} + 1 + ((${n}) % ${people}))::text, 18, '0')`;
  const group = (n: string) => `'9' || lpad((1 + ((${n}) % ${groups}))::text, 18, '0')`;
  const span = days * 86_400;
  for (const t of ["posts_insights", "posts_insight_pairs", "likes_insights", "ideas_insights", "follows_insights"])
    await run(`alter table ${t.split("_")[0]} disable trigger ${t}`);
  await run(`
    insert into actors (id, uri, type, username, domain, is_local, inbox_url, created_at, updated_at)
    select '9' || lpad(g::text, 18, '0'), 'http://${host}/users/g' || g, 'Group', 'g' || g, '${host}', true, 'http://${host}/users/g' || g || '/inbox',
      now() - interval '400 days', now()
    from generate_series(1, ${groups}) g`);
  await run(
    `insert into groups (actor_id, visibility, join_policy, created_by) select '9' || lpad(g::text, 18, '0'), 'public', 'open', '${adminActorId}' from generate_series(1, ${groups}) g`,
  );
  await run(
    `insert into group_roles (group_id, member_id, role) select '9' || lpad(g::text, 18, '0'), '${adminActorId}', 'owner' from generate_series(1, ${groups}) g`,
  );
  await run(`
    insert into follows (id, follower_id, followee_id, state, activity_uri, accepted_at)
    select '8' || lpad(g::text, 18, '0'), '${adminActorId}', '9' || lpad(g::text, 18, '0'), 'accepted', 'http://${host}/follows/a' || g, now()
    from generate_series(1, ${groups}) g`);
  await run(`
    insert into actors (id, uri, type, username, domain, is_local, inbox_url, created_at, updated_at)
    select ${person("n")}, 'https://org' || (n % ${organizations}) || '.example/users/u' || n, 'Person', 'u' || n,
      'org' || (n % ${organizations}) || '.example', false, 'https://org' || (n % ${organizations}) || '.example/inbox', now() - interval '400 days', now()
    from generate_series(0, ${people - 1}) n`);
  await run(`
    insert into partners (domain, relationship)
    select 'org' || o || '.example', case when o % 3 = 0 then 'customer' when o % 5 = 0 then 'partner' else 'supplier' end
    from generate_series(0, ${organizations - 1}) o`);
  await run(`
    insert into follows (id, follower_id, followee_id, state, activity_uri, accepted_at, created_at)
    select '7' || lpad(n::text, 18, '0'), ${person("n")}, ${group("n")}, 'accepted', 'https://seed.example/follows/' || n,
      now() - ((n % ${days}) || ' days')::interval, now() - ((n % ${days}) || ' days')::interval
    from generate_series(0, ${people - 1}) n`);
  // Post p belongs to thread t = (p + 2) / 3: posts 3t-2 and 3t-1 are roots, 3t replies to 3t-1.
  await run(`
    insert into posts (id, uri, author_id, group_id, in_reply_to_uri, thread_uri, type, content_html, visibility, is_local, published_at)
    select lpad(p::text, 19, '0'), 'https://seed.example/p/' || p,
      case when p % 3 = 0 then ${person("p::bigint * 7919")} else ${person("p")} end,
      ${group("(p + 2) / 3")},
      case when p % 3 = 0 then 'https://seed.example/p/' || (p - 1) end,
      'https://seed.example/p/' || case when p % 3 = 0 then p - 1 else p end,
      'Note', '<p>post ' || p || '</p>', 'public', false,
      now() - ((${span} - (p::bigint * ${span}) / ${posts}) || ' seconds')::interval
    from generate_series(1, ${posts}) p`);
  await run(`
    insert into likes (post_id, actor_id, activity_uri, created_at)
    select lpad(p::text, 19, '0'), ${person("p::bigint * 104729 + 1")}, 'https://seed.example/likes/' || p,
      now() - ((${span} - (p::bigint * ${span}) / ${posts}) || ' seconds')::interval + interval '1 minute'
    from generate_series(2, ${posts}, 2) p on conflict do nothing`);
  await run(`
    insert into ideas (post_id, group_id, status)
    select lpad(p::text, 19, '0'), ${group("(p + 2) / 3")}, (array['open', 'under_review', 'planned', 'done', 'declined'])[1 + (p / 100) % 5]
    from generate_series(1, ${posts}, 100) p where p % 3 <> 0`);
  for (const t of ["posts_insights", "posts_insight_pairs", "likes_insights", "ideas_insights", "follows_insights"])
    await run(`alter table ${t.split("_")[0]} enable trigger ${t}`);
}

/** The insight triggers on the write path of a post (migrations 0080, 0082, 0084). */
const POST_TRIGGERS = ["posts_insights", "posts_insight_pairs"];

/**
 * The cost of the insight triggers per inserted post: `n` replies inserted one
 * statement at a time (as the inbox and the services insert them), with the
 * triggers off and then on, into the seeded groups' threads. Each insert is one
 * statement either way; the triggers' work runs inside it.
 */
export async function triggerCost(handle: DatabaseHandle, options: InsightsOptions, n: number): Promise<{ off: number; on: number }> {
  const run = (text: string) => handle.db.executeQuery(CompiledQuery.raw(text));
  const insertReplies = async (first: number) => {
    const started = performance.now();
    for (let i = first; i < first + n; i++) {
      // Reply to root 3t-2 of thread t, by someone of another organization than most.
      const root = 3 * (1 + (i % Math.floor(options.posts / 3))) - 2;
      await run(`
        insert into posts (id, uri, author_id, group_id, in_reply_to_uri, thread_uri, type, content_html, visibility, is_local, published_at)
        select '8' || lpad('${i}', 18, '0'), 'https://seed.example/r/${i}', '9' || lpad((${options.groups} + 1 + (${i} * 31) % ${options.people})::text, 18, '0'),
          p.group_id, p.uri, p.thread_uri, 'Note', '<p>reply</p>', 'public', false, now()
        from posts p where p.id = lpad('${root}', 19, '0')`);
    }
    return (performance.now() - started) / n;
  };
  for (const t of POST_TRIGGERS) await run(`alter table posts disable trigger ${t}`);
  const off = await insertReplies(0);
  for (const t of POST_TRIGGERS) await run(`alter table posts enable trigger ${t}`);
  const on = await insertReplies(n);
  await run(`delete from posts where uri like 'https://seed.example/r/%'`);
  return { off, on };
}

/** Times each read the instance's insights make, alone, so a slow route shows which part is slow. */
async function instanceParts(handle: DatabaseHandle, range: { from: string; to: string; interval: "week"; by: "audience" }, today: string, samples: number) {
  const db = handle.db;
  const reads: Array<[string, () => Promise<unknown>]> = [
    ["series, totals and people per key (one statement)", () => insightCounts(db, null, range, range.interval, range.by, today)],
    ["thread figures", () => threadFigures(db, null, range)],
    ["unanswered threads", () => unansweredThreads(db, null, range)],
    ["tasks", () => taskFigures(db, null, range, today)],
    ["ideas", () => ideaFigures(db, null, range)],
  ];
  const out: Array<{ part: string; p50: number; p95: number }> = [];
  for (const [part, read] of reads) {
    await read();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await read();
      times.push(performance.now() - t0);
    }
    out.push({ part, p50: percentile(times, 50), p95: percentile(times, 95) });
  }
  return out;
}

export async function insightsScenario(options: InsightsOptions): Promise<ScenarioResult> {
  const scenarioStart = performance.now();
  const loadStart = loadavg()[0]!;
  const { handle, dataDir, cleanup } = await openBenchDatabase();
  await migrateToLatest(handle.db);
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), ECOTONE_ORIGIN: `http://localhost:${port}` };
  delete env.DATABASE_URL;
  const config = { ...loadConfig(env, "/nonexistent"), host: "127.0.0.1", dataDir, bootstrapAdmin: false, allowPrivateAddresses: true };
  const app = await createApp(config, { database: handle, logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? "silent" }) });
  try {
    await createUser(app.ctx, { username: "admin", password: "correct horse battery staple", role: "admin" });
    const token = await createToken(app.ctx, "admin", { scopes: "read admin:read" });
    const admin = (await getUserByUsername(app.ctx, "admin"))!;
    const seedStart = performance.now();
    await seed(handle, options, admin.actorId, config.origin.host);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const backfillStart = performance.now();
    const steps = await rebuildInsights(handle.db);
    const backfillSeconds = (performance.now() - backfillStart) / 1000;
    for (const s of steps) process.stderr.write(`  rebuild: ${s.step} — ${(s.ms / 1000).toFixed(1)} s\n`);
    // What autovacuum does soon after a bulk load (PostgreSQL 13+ vacuums after many inserts):
    // fresh statistics, and a visibility map, without which no index-only scan skips the table.
    const vacuumStart = performance.now();
    await handle.db.executeQuery(CompiledQuery.raw("vacuum analyze"));
    const vacuumSeconds = (performance.now() - vacuumStart) / 1000;
    process.stderr.write(`  vacuum analyze — ${vacuumSeconds.toFixed(1)} s\n`);

    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - (options.days - 1) * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${from}&to=${to}`;
    const groupId = `9${"1".padStart(18, "0")}`;
    // `key` names the route's figures in summary.json (stable across runs).
    const routes = [
      { key: "group_day", name: "group, 90 days by day", path: `/api/ecotone/v1/groups/${groupId}/insights?${period}` },
      {
        key: "group_week_organization",
        name: "group, by week and organization",
        path: `/api/ecotone/v1/groups/${groupId}/insights?${period}&interval=week&by=organization`,
      },
      { key: "instance_day", name: "instance, 90 days by day", path: `/api/ecotone/v1/insights?${period}` },
      { key: "instance_week_audience", name: "instance, by week and audience", path: `/api/ecotone/v1/insights?${period}&interval=week&by=audience` },
    ];
    const rows: Figures[] = [];
    for (const route of routes) {
      const call = () => app.fastify.inject({ method: "GET", url: route.path, headers: { authorization: `Bearer ${token}` } });
      let response = await call();
      for (let i = 0; i < 3; i++) response = await call(); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < options.samples; i++) {
        const t0 = performance.now();
        response = await call();
        samples.push(performance.now() - t0);
      }
      const body = response.json() as { totals?: { posts: number; replies: number; active: number } };
      rows.push({
        key: route.key,
        route: route.name,
        status: response.statusCode,
        "threads / replies / active": body.totals ? `${body.totals.posts} / ${body.totals.replies} / ${body.totals.active}` : "-",
        "p50 ms": percentile(samples, 50),
        "p95 ms": percentile(samples, 95),
      });
    }
    // Where the instance's time goes: each read of its answer alone (week by audience).
    const parts = await instanceParts(handle, { from, to, interval: "week" as const, by: "audience" as const }, to, options.samples);
    const cost = await triggerCost(handle, options, 500);
    const pgsql = handle.kind === "postgres";
    const limit = pgsql ? 200 : 400;
    const worst = Math.max(...rows.map((r) => Number(r["p95 ms"])));
    const worstOf = (kind: string) => Math.max(...rows.filter((r) => String(r.key).startsWith(kind)).map((r) => Number(r["p95 ms"])));
    const slug = (text: string) =>
      text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_|_$/g, "");
    const loadEnd = loadavg()[0]!;
    return {
      rows: [
        ...rows.map(({ key: _key, ...row }) => row),
        ...parts.map((p) => ({ route: `instance part: ${p.part}`, status: 200, "threads / replies / active": "-", "p50 ms": p.p50, "p95 ms": p.p95 })),
      ],
      figures: {
        "posts / people / organizations / groups / days": `${options.posts} / ${options.people} / ${options.organizations} / ${options.groups} / ${options.days}`,
        "seeding (s)": seedSeconds,
        "backfill of the rollups (s)": backfillSeconds,
        ...Object.fromEntries(steps.map((s) => [`  rebuild: ${s.step} (s)`, s.ms / 1000])),
        "vacuum analyze after the load (s)": vacuumSeconds,
        "load average (1 min) at start / end": `${loadStart.toFixed(1)} / ${loadEnd.toFixed(1)}`,
        "samples per route": options.samples,
        "worst p95 (ms)": worst,
        "ms per inserted reply, insight triggers off / on": `${cost.off.toFixed(2)} / ${cost.on.toFixed(2)}`,
        [`target: p95 < ${limit} ms (${pgsql ? "PostgreSQL" : "PGlite"})`]: worst < limit && rows.every((r) => r.status === 200) ? "met" : "missed",
      },
      summary: {
        target: `every insight route's p95 < ${limit} ms (${pgsql ? "PostgreSQL" : "PGlite"})`,
        met: worst < limit && rows.every((r) => r.status === 200),
        figures: {
          posts: options.posts,
          people: options.people,
          organizations: options.organizations,
          days: options.days,
          database: handle.kind,
          load_average_start: loadStart,
          load_average_end: loadEnd,
          seeding_s: seedSeconds,
          backfill_s: backfillSeconds,
          ...Object.fromEntries(steps.map((s) => [`rebuild_${slug(s.step)}_s`, s.ms / 1000])),
          vacuum_s: vacuumSeconds,
          worst_p95_ms: worst,
          group_worst_p95_ms: worstOf("group"),
          instance_worst_p95_ms: worstOf("instance"),
          insert_reply_ms_triggers_off: cost.off,
          insert_reply_ms_triggers_on: cost.on,
          ...Object.fromEntries(
            rows.flatMap((r) => [
              [`${String(r.key)}_p50_ms`, Number(r["p50 ms"])],
              [`${String(r.key)}_p95_ms`, Number(r["p95 ms"])],
            ]),
          ),
          ...Object.fromEntries(parts.map((p) => [`instance_part_${slug(p.part)}_p95_ms`, p.p95])),
          total_s: (performance.now() - scenarioStart) / 1000,
        },
      },
    };
  } finally {
    await app.close();
    await handle.close().catch(() => {});
    cleanup();
  }
}
