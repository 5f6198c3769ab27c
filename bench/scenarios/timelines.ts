// Scenario 5 — timelines at size: the Mastodon API's home, hashtag and public
// timelines, a group and a person as a Mastodon client opens them (the
// account's statuses) and the Ecotone API's group timeline, over a database seeded in
// bulk SQL (100k posts, 1k groups, 10k people by default; --large: 1M posts).
// Server time is measured inside the instance (fastify.inject: the whole
// request pipeline without the socket). Every SELECT a route runs is
// EXPLAIN ANALYZEd; a sequential scan on a table of more than 10,000 rows is
// flagged.
import { startEcotone } from "../lib/ecotone.ts";
import { percentile, type Figures, type ScenarioResult } from "../lib/stats.ts";

export interface TimelinesOptions {
  posts: number;
  groups: number;
  people: number;
  samples: number;
}

/** The id the seed gives its n-th actor (groups first, then people). */
function seededActorId(n: number): string {
  return `9${String(n).padStart(18, "0")}`;
}

export async function timelinesScenario(options: TimelinesOptions): Promise<ScenarioResult> {
  const ecotone = await startEcotone();
  try {
    const viewer = await ecotone.user("viewer");
    const newcomer = await ecotone.user("newcomer");
    const seedStart = performance.now();
    await ecotone.seedTimelines({ posts: options.posts, groups: options.groups, people: options.people, viewer: "viewer", newcomer: "newcomer" });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const group = seededActorId(1); // one of the viewer's 20 groups
    const person = seededActorId(options.groups + 1); // one of the 200 people the viewer follows
    const routes = [
      { name: "home (Mastodon)", path: "/api/v1/timelines/home?limit=20" },
      { name: "home, page 5 (Mastodon)", path: "" },
      { name: "group (Ecotone API)", path: `/api/ecotone/v1/groups/${group}/posts` },
      { name: "group account statuses (Mastodon)", path: `/api/v1/accounts/${group}/statuses?limit=20` },
      { name: "person account statuses (Mastodon)", path: `/api/v1/accounts/${person}/statuses?limit=20` },
      { name: "tag #supplychain (Mastodon)", path: "/api/v1/timelines/tag/supplychain?limit=20" },
      { name: "public (Mastodon)", path: "/api/v1/timelines/public?limit=20" },
    ];
    // Page 5 of home: follow max_id four times, as a client scrolling down does.
    let maxId: string | null = null;
    for (let i = 0; i < 4; i++) {
      const page = await ecotone.api(viewer.token, "GET", `/api/v1/timelines/home?limit=20${maxId ? `&max_id=${maxId}` : ""}`);
      maxId = (page.body as Array<{ id: string }>).at(-1)?.id ?? maxId;
    }
    routes[1]!.path = `/api/v1/timelines/home?limit=20&max_id=${maxId}`;

    const sparse = [{ name: "home, newcomer following 3 (Mastodon)", path: "/api/v1/timelines/home?limit=20" }];

    const items = new Map<string, number>();
    for (const [token, route] of [...routes.map((r) => [viewer.token, r] as const), ...sparse.map((r) => [newcomer.token, r] as const)]) {
      const res = await ecotone.api(token, "GET", route.path);
      const body = res.body as unknown[] | { items?: unknown[] };
      items.set(route.name, res.status !== 200 ? -res.status : Array.isArray(body) ? body.length : (body.items?.length ?? 0));
    }
    const timings = [
      ...(await ecotone.timeRoutes(viewer.token, routes, options.samples)),
      ...(await ecotone.timeRoutes(newcomer.token, sparse, options.samples)),
    ];
    const plans = [...(await ecotone.explainRoutes(viewer.token, routes)), ...(await ecotone.explainRoutes(newcomer.token, sparse))];
    const rows: Figures[] = timings.map((t) => {
      const own = plans.filter((p) => p.name.startsWith(`${t.name} #`));
      const slowest = own.reduce((a, p) => ((p.executionMs ?? 0) > (a?.executionMs ?? -1) ? p : a), own[0]);
      return {
        route: t.name,
        status: t.status,
        items: items.get(t.name) ?? 0,
        "p50 ms": percentile(t.samples, 50),
        "p99 ms": percentile(t.samples, 99),
        "cpu ms/req": Math.round(t.cpuMsPerRequest * 100) / 100,
        queries: own.length,
        "slowest query ms": slowest?.executionMs ?? null,
        "seq scans (>10k rows)": [...new Set(own.flatMap((p) => p.seqScans))].join(" ") || "none",
        "rows scanned and discarded": own.flatMap((p) => p.filteredScans).join("; ") || "-",
      };
    });
    const pg = ecotone.database === "postgres";
    const limit = pg ? 15 : 25;
    const worstP99 = Math.max(...rows.map((r) => Number(r["p99 ms"])));
    return {
      rows,
      figures: {
        "posts / groups / people": `${options.posts} / ${options.groups} / ${options.people}`,
        "seeding (s)": seedSeconds,
        "samples per route": options.samples,
        "worst p99 (ms)": worstP99,
        "sequential scans on hot paths":
          rows
            .filter((r) => r["seq scans (>10k rows)"] !== "none")
            .map((r) => `${r.route}: ${r["seq scans (>10k rows)"]}`)
            .join("; ") || "none",
        "index scans discarding > 10k rows":
          rows
            .filter((r) => r["rows scanned and discarded"] !== "-")
            .map((r) => `${r.route} (${r["rows scanned and discarded"]})`)
            .join("; ") || "none",
        [`target: p99 < ${limit} ms (${pg ? "PostgreSQL" : "PGlite"})`]: worstP99 < limit ? "met" : "missed",
      },
      // The slowest query of each route, with its plan.
      text: rows
        .map((r) => {
          const own = plans.filter((p) => p.name.startsWith(`${r.route} #`));
          const slowest = own.reduce((a, p) => ((p.executionMs ?? 0) > (a?.executionMs ?? -1) ? p : a), own[0]);
          return slowest ? `  ${r.route}: slowest query (${slowest.executionMs} ms)\n    ${slowest.sql}\n${slowest.plan.replace(/^/gm, "      ")}` : "";
        })
        .join("\n\n"),
      extra: { plans },
      summary: {
        target: `every route's p99 < ${limit} ms (${pg ? "PostgreSQL" : "PGlite"}), ≤ 8 statements per request`,
        met: worstP99 < limit && rows.every((r) => Number(r.queries) <= 8),
        figures: {
          posts: options.posts,
          seeding_s: Math.round(seedSeconds * 10) / 10,
          worst_p99_ms: worstP99,
          worst_statements_per_request: Math.max(...rows.map((r) => Number(r.queries))),
          ...Object.fromEntries(rows.map((r) => [`p99_ms ${r.route}`, Number(r["p99 ms"])])),
          ...Object.fromEntries(rows.map((r) => [`statements ${r.route}`, Number(r.queries)])),
          ...Object.fromEntries(rows.map((r) => [`cpu_ms_per_request ${r.route}`, Number(r["cpu ms/req"])])),
        },
      },
    };
  } finally {
    await ecotone.close();
  }
}
