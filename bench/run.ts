// npm run bench [scenario…]: runs the benchmarks, prints a table per scenario
// and writes JSON under bench/results/. Sizes are modest by default so a run
// fits a shared 2-core machine; environment variables scale them up
// (BENCH_INBOX_RATE, BENCH_SECONDS, BENCH_MEMBERS, BENCH_INSTANCES, BENCH_POSTS…).
// DATABASE_URL runs them on a PostgreSQL server instead of PGlite.
import { machine, saveResult } from "./lib/results.ts";
import { printTable, type Figures } from "./lib/stats.ts";
import { fanoutScenario } from "./scenarios/fanout.ts";
import { faultyScenario } from "./scenarios/faulty.ts";
import { inboxScenario } from "./scenarios/inbox.ts";
import { memoryScenario } from "./scenarios/memory.ts";
import { slowPeerScenario } from "./scenarios/slowpeer.ts";
import { timelinesScenario } from "./scenarios/timelines.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const plans: Record<string, unknown> = {};

const SCENARIOS: Record<string, () => Promise<Figures>> = {
  inbox: () => inboxScenario({ rate: env("BENCH_INBOX_RATE", 150), seconds: env("BENCH_SECONDS", 10), actors: env("BENCH_ACTORS", 30) }),
  fanout: () => fanoutScenario({ members: env("BENCH_MEMBERS", 2_000), instances: env("BENCH_INSTANCES", 100) }),
  slowpeer: () => slowPeerScenario({ rate: env("BENCH_SLOW_RATE", 50), seconds: env("BENCH_SLOW_SECONDS", 5), delayMs: 250 }),
  faulty: () => faultyScenario({ instances: env("BENCH_FAULTY_INSTANCES", 20), posts: env("BENCH_FAULTY_POSTS", 10) }),
  timelines: async () => {
    const result = await timelinesScenario({ posts: env("BENCH_POSTS", 100_000), groups: env("BENCH_GROUPS", 1_000), members: env("BENCH_PEOPLE", 10_000) });
    plans.timelines = result.plans;
    console.log(`\n  home timeline plan:\n${result.plans.home}\n\n  group timeline plan:\n${result.plans.group}`);
    return result.figures;
  },
  memory: () => memoryScenario(),
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(SCENARIOS);
const unknown = names.filter((n) => !SCENARIOS[n]);
if (unknown.length > 0) {
  console.error(`Unknown scenario(s): ${unknown.join(", ")}. Choose from: ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}
console.log(`Ecotone benchmarks on ${JSON.stringify(machine())}`);
for (const name of names) {
  console.log(`\n== ${name} …`);
  const figures = await SCENARIOS[name]!();
  printTable(name, figures);
  console.log(`  saved ${saveResult(name, figures, plans[name] ? { plans: plans[name] } : {})}`);
}
process.exit(0);
