// npm run bench [scenario…] [--pg] [--large] [--name=value…]
//
// Runs the benchmarks (all of them, or the ones named), prints a table per
// scenario and writes JSON to bench/results/<timestamp>-<scenario>.json,
// and each scenario's headline figures, target and `met` to
// bench/results/summary.json (bench/lib/summary.ts).
// Default sizes are modest so a full run fits a shared 2-core machine;
// --large goes to the full sizes (fan-out to 10,000 members on 500
// instances, timelines over 1M posts), and --name=value (or BENCH_NAME=value)
// sets one knob, e.g. --members=5000 --slow-seconds=10. --pg runs everything
// on a throwaway PostgreSQL server (.ci/postgres.sh); DATABASE_URL uses yours.
// See docs/performance.md.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { machine, saveResult } from "./lib/results.ts";
import { printFigures, printRows, type ScenarioResult } from "./lib/stats.ts";
import { writeSummary } from "./lib/summary.ts";
import { fanoutScenario } from "./scenarios/fanout.ts";
import { faultyScenario } from "./scenarios/faulty.ts";
import { inboxScenario } from "./scenarios/inbox.ts";
import { inboxScaleOutScenario } from "./scenarios/inbox-scaleout.ts";
import { insightsScenario } from "./scenarios/insights.ts";
import { memoryScenario } from "./scenarios/memory.ts";
import { slowPeerScenario } from "./scenarios/slowpeer.ts";
import { timelinesScenario } from "./scenarios/timelines.ts";
import { webScenario } from "./scenarios/web.ts";

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => /^--[a-z-]+$/.test(a)));
for (const arg of args) {
  const m = /^--([a-z-]+)=(.*)$/.exec(arg);
  if (m) process.env[`BENCH_${m[1]!.toUpperCase().replace(/-/g, "_")}`] = m[2]!;
}

if (flags.has("--pg") && !process.env.DATABASE_URL) {
  // Re-run this command against a throwaway PostgreSQL server.
  const root = resolve(import.meta.dirname, "..");
  const run = spawnSync("bash", [".ci/postgres.sh", "--", process.execPath, ...process.execArgv, "bench/run.ts", ...args], { cwd: root, stdio: "inherit" });
  process.exit(run.status ?? 1);
}

const large = flags.has("--large");
const num = (name: string, normal: number, big = normal) => Number(process.env[`BENCH_${name}`] ?? (large ? big : normal));
const list = (name: string, normal: number[]) => (process.env[`BENCH_${name}`] ?? normal.join(",")).split(",").map(Number);

const SCENARIOS: Record<string, { options: () => Record<string, any>; run: (options: any) => Promise<ScenarioResult> }> = {
  inbox: {
    options: () => ({
      rates: list("INBOX_RATES", [25, 50, 100, 200, 400]),
      seconds: num("INBOX_SECONDS", 5),
      actors: num("ACTORS", 60),
      instances: num("ACTOR_INSTANCES", 12),
      saturatedP99Ms: num("SATURATED_P99_MS", 2_000),
    }),
    run: inboxScenario,
  },
  "inbox-scaleout": {
    options: () => ({
      rates: list("SCALEOUT_RATES", [50, 100]),
      seconds: num("INBOX_SECONDS", 5),
      actors: num("ACTORS", 60),
      instances: num("ACTOR_INSTANCES", 12),
    }),
    run: inboxScaleOutScenario,
  },
  fanout: {
    options: () => ({ members: num("MEMBERS", 2_000, 10_000), instances: num("INSTANCES", 100, 500), rounds: num("FANOUT_ROUNDS", 3) }),
    run: fanoutScenario,
  },
  slowpeer: {
    options: () => ({
      rate: num("SLOW_RATE", 50),
      seconds: num("SLOW_SECONDS", 30),
      delayMs: num("SLOW_DELAY_MS", 250),
      drainSeconds: num("SLOW_DRAIN_SECONDS", 30),
    }),
    run: slowPeerScenario,
  },
  faulty: {
    options: () => ({ instances: num("FAULTY_INSTANCES", 100, 500), posts: num("FAULTY_POSTS", 5), intervalMs: num("FAULTY_INTERVAL_MS", 1_000) }),
    run: faultyScenario,
  },
  timelines: {
    options: () => ({
      posts: num("POSTS", 100_000, 1_000_000),
      groups: num("GROUPS", 1_000),
      people: num("PEOPLE", 10_000, 50_000),
      samples: num("SAMPLES", 200),
    }),
    run: timelinesScenario,
  },
  web: {
    options: () => ({
      posts: num("POSTS", 100_000, 1_000_000),
      groups: num("GROUPS", 1_000),
      people: num("PEOPLE", 10_000, 50_000),
      samples: num("WEB_SAMPLES", 50),
    }),
    run: webScenario,
  },
  insights: {
    options: () => ({
      posts: num("POSTS", 100_000, 1_000_000),
      people: num("PEOPLE", 10_000, 50_000),
      organizations: num("ORGANIZATIONS", 100),
      groups: num("INSIGHT_GROUPS", 20),
      days: num("DAYS", 90),
      samples: num("INSIGHT_SAMPLES", 30),
    }),
    run: insightsScenario,
  },
  memory: {
    options: () => ({
      repeats: num("MEMORY_REPEATS", 5),
      inboxRate: num("MEMORY_INBOX_RATE", 25),
      inboxSeconds: num("MEMORY_INBOX_SECONDS", 8),
      members: num("MEMORY_MEMBERS", 2_000, 10_000),
      instances: num("MEMORY_INSTANCES", 100, 500),
    }),
    run: memoryScenario,
  },
};

const names = args.filter((a) => !a.startsWith("--"));
const chosen = names.length > 0 ? names : Object.keys(SCENARIOS);
const unknown = chosen.filter((n) => !SCENARIOS[n]);
if (unknown.length > 0) {
  console.error(`Unknown scenario(s): ${unknown.join(", ")}. Choose from: ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}
console.log(`Ecotone benchmarks on ${JSON.stringify(machine())}`);
for (const name of chosen) {
  const scenario = SCENARIOS[name]!;
  const options = scenario.options();
  console.log(`\n== ${name} ${JSON.stringify(options)}`);
  const started = performance.now();
  const result = await scenario.run(options);
  printRows(result.rows ?? []);
  printFigures(`${name} (${((performance.now() - started) / 1000).toFixed(0)} s)`, result.figures);
  if (result.text) console.log(`\n${result.text}`);
  console.log(`  ${result.summary.met ? "MET" : "MISSED"}: ${result.summary.target}`);
  console.log(`  saved ${saveResult(name, options, result)} and ${await writeSummary(name, options, result.summary)}`);
}
process.exit(0);
