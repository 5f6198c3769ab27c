// Scenario 6 — memory: the resident set (RSS) and V8 heap of one long-lived
// instance process: idle, after a round of scenario 1 (an inbox step) and
// scenario 2 (a fan-out post), and after repeating both rounds 5 more times.
// Each figure is taken after a full garbage collection in the instance. Growth
// that continues from round to round, on a flat workload, points at a leak;
// the database (PGlite lives in the instance's process) grows with the data.
import { startEcotone } from "../lib/ecotone.ts";
import { sleep, waitUntil, type Figures, type ScenarioResult } from "../lib/stats.ts";
import { closeFanoutRig, runFanoutRound, setUpFanoutRig, type FanoutRig } from "./fanout.ts";
import { closeInboxRig, runInboxStep, setUpInboxRig, type InboxRig } from "./inbox.ts";

export interface MemoryOptions {
  repeats: number;
  inboxRate: number;
  inboxSeconds: number;
  members: number;
  instances: number;
}

export async function memoryScenario(options: MemoryOptions): Promise<ScenarioResult> {
  const ecotone = await startEcotone();
  let inbox: InboxRig | null = null;
  let fanout: FanoutRig | null = null;
  try {
    await sleep(2_000);
    const idle = await ecotone.usage(true);
    const rows: Figures[] = [
      {
        after: "idle",
        "RSS MiB": idle.rssMiB,
        "heap MiB": idle.heapUsedMiB,
        "heap committed MiB": idle.heapTotalMiB,
        "external MiB": idle.externalMiB,
        "posts stored": await ecotone.count("posts"),
      },
    ];
    inbox = await setUpInboxRig(ecotone, 60, 12);
    fanout = await setUpFanoutRig(ecotone, { members: options.members, instances: options.instances });
    for (let round = 1; round <= 1 + options.repeats; round++) {
      const step = await runInboxStep(inbox, options.inboxRate, options.inboxSeconds, Infinity);
      const post = await runFanoutRound(fanout);
      await waitUntil(async () => Object.values(await ecotone.queueDepth()).every((n) => n === 0), 60_000, 200);
      const usage = await ecotone.usage(true);
      rows.push({
        after: `round ${round}`,
        "RSS MiB": usage.rssMiB,
        "heap MiB": usage.heapUsedMiB,
        "heap committed MiB": usage.heapTotalMiB,
        "external MiB": usage.externalMiB,
        "posts stored": await ecotone.count("posts"),
        "inbox accepted/s": step.acceptedPerSecond,
        "fan-out last inbox s": post.lastMs / 1000,
      });
      console.log(`    round ${round}: RSS ${usage.rssMiB.toFixed(0)} MiB, heap ${usage.heapUsedMiB.toFixed(0)} MiB`);
    }
    const first = rows[1]!;
    const last = rows.at(-1)!;
    const n = options.repeats;
    return {
      rows,
      figures: {
        "each round": `inbox ${options.inboxRate}/s × ${options.inboxSeconds} s from 60 actors, then one post to ${fanout.members} members on ${options.instances} instances`,
        "RSS idle (MiB)": idle.rssMiB,
        "RSS after round 1 (MiB)": Number(first["RSS MiB"]),
        [`RSS after ${n} more rounds (MiB)`]: Number(last["RSS MiB"]),
        "RSS growth per repeated round (MiB)": (Number(last["RSS MiB"]) - Number(first["RSS MiB"])) / n,
        "RSS growth per round over the last 4 rounds (MiB)": n >= 4 ? (Number(last["RSS MiB"]) - Number(rows.at(-5)!["RSS MiB"])) / 4 : null,
        "heap idle / round 1 / last (MiB)": `${idle.heapUsedMiB.toFixed(0)} / ${Number(first["heap MiB"]).toFixed(0)} / ${Number(last["heap MiB"]).toFixed(0)}`,
        "heap growth per repeated round (MiB)": (Number(last["heap MiB"]) - Number(first["heap MiB"])) / n,
        database: ecotone.database === "pglite" ? "PGlite, inside the instance process (counted in its RSS)" : "PostgreSQL server (not counted)",
      },
      // "Flat" = the heap grows < 1 MiB per repeated round (RSS reported, not judged: it levels off, see docs/performance.md).
      summary: {
        target: "memory flat after warm-up: heap growth < 1 MiB per repeated round",
        met: (Number(last["heap MiB"]) - Number(first["heap MiB"])) / n < 1,
        figures: {
          rounds: n + 1,
          rss_idle_mib: idle.rssMiB,
          rss_round1_mib: Number(first["RSS MiB"]),
          rss_last_mib: Number(last["RSS MiB"]),
          rss_growth_per_round_mib: (Number(last["RSS MiB"]) - Number(first["RSS MiB"])) / n,
          heap_round1_mib: Number(first["heap MiB"]),
          heap_last_mib: Number(last["heap MiB"]),
          heap_growth_per_round_mib: (Number(last["heap MiB"]) - Number(first["heap MiB"])) / n,
        },
      },
    };
  } finally {
    if (inbox) await closeInboxRig(inbox);
    if (fanout) await closeFanoutRig(fanout);
    await ecotone.close();
  }
}
