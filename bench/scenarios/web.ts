// Scenario 7 — the web interface at size (issue 14's budgets): server time of
// the main pages for a signed-in member over the timelines seed (100k posts
// by default), the statements each page runs (an N+1 shows as a count that
// grows with the page), the size of the JavaScript and CSS every page ships,
// compressed, and the first render of the home page in headless Chromium.
// Server time is measured inside the instance (fastify.inject).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { startEcotone, type BenchInstance } from "../lib/ecotone.ts";
import { percentile, type Figures, type ScenarioResult } from "../lib/stats.ts";

export interface WebOptions {
  posts: number;
  groups: number;
  people: number;
  samples: number;
}

const ASSET_DIR = new URL("../../src/web/assets/", import.meta.url);
/** Every script and stylesheet a page may load (app.js imports the others). */
const ASSETS = readdirSync(ASSET_DIR)
  .filter((name) => /\.(js|css)$/.test(name))
  .map((name) => readFileSync(new URL(name, ASSET_DIR)));

function chromiumPath(): string | null {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim() || null;
    } catch {
      // not this one
    }
  }
  return null;
}

/** First contentful paint of `path` for a signed-in member, a fresh tab each time (the assets cached after the first). */
async function firstRender(ecotone: BenchInstance, session: string, path: string, samples: number): Promise<number[] | null> {
  const executablePath = chromiumPath();
  if (!executablePath) return null;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const [name, ...value] = session.slice("cookie:".length).split("=");
    await context.addCookies([{ name: name!, value: value.join("="), url: ecotone.origin }]);
    const times: number[] = [];
    for (let i = 0; i < samples + 1; i++) {
      const page = await context.newPage();
      await page.goto(new URL(path, ecotone.origin).href, { waitUntil: "load" });
      const fcp = await page.evaluate(
        () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? performance.getEntriesByType("navigation")[0]!.duration,
      );
      if (i > 0) times.push(fcp); // the first tab also fetched the assets
      await page.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}

export async function webScenario(options: WebOptions): Promise<ScenarioResult> {
  const ecotone = await startEcotone();
  try {
    await ecotone.user("viewer");
    await ecotone.user("newcomer");
    const seedStart = performance.now();
    await ecotone.seedTimelines({ posts: options.posts, groups: options.groups, people: options.people, viewer: "viewer", newcomer: "newcomer" });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const session = await ecotone.webSession("viewer");
    const group = `9${String(1).padStart(18, "0")}`; // one of the viewer's groups
    const routes = [
      { name: "home", path: "/" },
      { name: "group", path: `/g/${group}` },
      { name: "group members", path: `/g/${group}/members` },
      { name: "group tasks", path: `/g/${group}/tasks` },
      { name: "idea board", path: `/g/${group}/ideas` },
      { name: "groups", path: "/groups" },
      { name: "tag page", path: "/tags/supplychain" },
      { name: "search", path: "/search?q=supplychain" },
      { name: "notifications", path: "/notifications" },
      { name: "my tasks", path: "/me/tasks" },
    ];
    const rows: Figures[] = [];
    for (const route of routes) {
      const before = await ecotone.queryStats();
      const [t] = await ecotone.timeRoutes(session, [route], options.samples);
      const after = await ecotone.queryStats();
      // timeRoutes warms up with five calls before the timed ones.
      const statements = (after.total - before.total) / (options.samples + 5);
      rows.push({
        page: t!.name,
        status: t!.status,
        "p50 ms": percentile(t!.samples, 50),
        "p95 ms": percentile(t!.samples, 95),
        "p99 ms": percentile(t!.samples, 99),
        statements: Math.round(statements * 10) / 10,
      });
    }
    const worstP95 = Math.max(...rows.map((r) => Number(r["p95 ms"])));
    const shipped = ASSETS.reduce((sum, file) => sum + gzipSync(file).length, 0);
    const render = await firstRender(ecotone, session, "/", 10);
    const renderP95 = render ? percentile(render, 95) : null;
    return {
      rows,
      figures: {
        "posts / groups / people": `${options.posts} / ${options.groups} / ${options.people}`,
        "seeding (s)": seedSeconds,
        "samples per page": options.samples,
        "worst p95 (ms)": worstP95,
        "target: page p95 < 50 ms": worstP95 < 50 ? "met" : "missed",
        "JS + CSS shipped, gzip (KB)": Math.round(shipped / 102.4) / 10,
        "target: < 100 KB compressed": shipped < 100 * 1024 ? "met" : "missed",
        "home first render p95, headless Chromium (ms)": renderP95 === null ? "no Chromium" : Math.round(renderP95),
        "target: first render < 1 s": renderP95 === null ? "not measured" : renderP95 < 1000 ? "met" : "missed",
      },
      summary: {
        target: "every page's server time p95 < 50 ms (PGlite, 100k posts); JS + CSS < 100 KB gzipped; first render p95 < 1 s",
        met: worstP95 < 50 && shipped < 100 * 1024 && renderP95 !== null && renderP95 < 1000,
        figures: {
          posts: options.posts,
          seeding_s: Math.round(seedSeconds * 10) / 10,
          worst_p95_ms: worstP95,
          shipped_kb_gzip: Math.round(shipped / 102.4) / 10,
          first_render_p95_ms: renderP95 === null ? null : Math.round(renderP95),
          ...Object.fromEntries(rows.map((r) => [`p95_ms ${r.page}`, Number(r["p95 ms"])])),
          ...Object.fromEntries(rows.map((r) => [`statements ${r.page}`, Number(r.statements)])),
        },
      },
    };
  } finally {
    await ecotone.close();
  }
}
