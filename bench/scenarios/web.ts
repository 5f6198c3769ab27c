// Scenario 7 — the web interface at size (issue 14's budgets): server time of
// the main pages for a signed-in member over the timelines seed (100k posts
// by default), and the size of the JavaScript and CSS every page ships,
// compressed. Server time is measured inside the instance (fastify.inject).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { startEcotone } from "../lib/ecotone.ts";
import { percentile, type Figures, type ScenarioResult } from "../lib/stats.ts";

export interface WebOptions {
  posts: number;
  groups: number;
  people: number;
  samples: number;
}

const ASSETS = ["app.js", "app.css"].map((name) => readFileSync(new URL(`../../src/web/assets/${name}`, import.meta.url)));

export async function webScenario(options: WebOptions): Promise<ScenarioResult> {
  const ecotone = await startEcotone();
  try {
    await ecotone.user("viewer");
    await ecotone.user("newcomer");
    await ecotone.seedTimelines({ posts: options.posts, groups: options.groups, people: options.people, viewer: "viewer", newcomer: "newcomer" });
    const session = await ecotone.webSession("viewer");
    const group = `9${String(1).padStart(18, "0")}`; // one of the viewer's groups
    const routes = [
      { name: "home", path: "/" },
      { name: "group", path: `/g/${group}` },
      { name: "group tasks", path: `/g/${group}/tasks` },
      { name: "tag page", path: "/tags/supplychain" },
      { name: "search", path: "/search?q=supplychain" },
      { name: "notifications", path: "/notifications" },
      { name: "my tasks", path: "/me/tasks" },
    ];
    const timings = await ecotone.timeRoutes(session, routes, options.samples);
    const rows: Figures[] = timings.map((t) => ({ page: t.name, status: t.status, "p50 ms": percentile(t.samples, 50), "p95 ms": percentile(t.samples, 95), "p99 ms": percentile(t.samples, 99) }));
    const worstP95 = Math.max(...rows.map((r) => Number(r["p95 ms"])));
    const shipped = ASSETS.reduce((sum, file) => sum + gzipSync(file).length, 0);
    return {
      rows,
      figures: {
        "posts / groups / people": `${options.posts} / ${options.groups} / ${options.people}`,
        "samples per page": options.samples,
        "worst p95 (ms)": worstP95,
        "target: page p95 < 50 ms": worstP95 < 50 ? "met" : "missed",
        "JS + CSS shipped, gzip (KB)": Math.round(shipped / 102.4) / 10,
        "target: < 100 KB compressed": shipped < 100 * 1024 ? "met" : "missed",
      },
      summary: {
        target: "every page's server time p95 < 50 ms; JS + CSS < 100 KB gzipped",
        met: worstP95 < 50 && shipped < 100 * 1024,
        figures: {
          posts: options.posts,
          worst_p95_ms: worstP95,
          shipped_kb_gzip: Math.round(shipped / 102.4) / 10,
          ...Object.fromEntries(rows.map((r) => [`p95_ms ${r.page}`, Number(r["p95 ms"])])),
        },
      },
    };
  } finally {
    await ecotone.close();
  }
}
