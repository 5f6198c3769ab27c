// Scenario 6 — memory: the process's RSS and heap when idle, after the inbox
// and fan-out scenarios, and after five more rounds of both (a leak shows as
// growth from round to round).
import type { Figures } from "../lib/stats.ts";
import { fanoutScenario } from "./fanout.ts";
import { inboxScenario } from "./inbox.ts";

function mib(bytes: number): number {
  return Math.round(bytes / 1_048_576);
}

function measure() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: mib(m.rss), heap: mib(m.heapUsed) };
}

export async function memoryScenario(): Promise<Figures> {
  const idle = measure();
  const rounds: Array<{ rss: number; heap: number }> = [];
  for (let i = 0; i < 6; i++) {
    await inboxScenario({ rate: 50, seconds: 4, actors: 10 });
    await fanoutScenario({ members: 200, instances: 20 });
    rounds.push(measure());
  }
  const first = rounds[0]!;
  const last = rounds.at(-1)!;
  return {
    "gc exposed (node --expose-gc)": typeof (globalThis as { gc?: unknown }).gc === "function",
    "idle RSS / heap (MiB)": `${idle.rss} / ${idle.heap}`,
    "after round 1 RSS / heap (MiB)": `${first.rss} / ${first.heap}`,
    "after round 6 RSS / heap (MiB)": `${last.rss} / ${last.heap}`,
    "heap growth rounds 1→6 (MiB)": last.heap - first.heap,
    "RSS growth rounds 1→6 (MiB)": last.rss - first.rss,
  };
}
