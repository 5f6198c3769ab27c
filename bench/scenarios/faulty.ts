// Scenario 4 — faulty peers: 20 % of a group's member instances are black
// holes (they accept the TCP connection and the request, and never answer)
// and 5 % drip their answer a byte a second. Posts go to all of them; the
// figure that matters is the delivery latency to the healthy instances,
// against a fault-free run of the same size in the same benchmark, and that
// no request outlives the outbound deadline (ECOTONE_FETCH_TIMEOUT_MS, 10 s by
// default). Retries keep the production schedule (first after 30 s).
import { startEcotone } from "../lib/ecotone.ts";
import { startSimInstances, type Behaviour, type SimInstance } from "../lib/peers.ts";
import { percentile, sleep, waitUntil, type ScenarioResult } from "../lib/stats.ts";

export interface FaultyOptions {
  instances: number;
  posts: number;
  intervalMs: number;
}

function behaviourOf(i: number): Behaviour {
  const slot = i % 20;
  return slot < 4 ? "blackhole" : slot === 4 ? "drip" : "ok";
}

async function run(options: FaultyOptions, faulty: boolean) {
  const ecotone = await startEcotone();
  const peers: SimInstance[] = await startSimInstances(options.instances, faulty ? behaviourOf : () => "ok");
  try {
    const owner = await ecotone.user("owner");
    await ecotone.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "mixed", name: "Mixed" });
    await ecotone.addRemoteMembers("mixed", peers, 1);
    const healthy = peers.filter((p) => p.behaviour === "ok");
    const sentAt: number[] = [];
    const started = performance.now();
    for (let n = 0; n < options.posts; n++) {
      const due = started + n * options.intervalMs;
      if (due - performance.now() > 1) await sleep(due - performance.now());
      sentAt.push(performance.now());
      const res = await ecotone.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "mixed", content: `post ${n}` });
      if (res.status !== 201) throw new Error(`post answered ${res.status}`);
    }
    const announces = (p: SimInstance) => p.deliveries.filter((d) => d.type === "Announce");
    const complete = await waitUntil(() => healthy.every((p) => announces(p).length >= options.posts), 180_000, 50);
    const latencies: number[] = [];
    for (const p of healthy) {
      for (const d of announces(p)) {
        const n = Number(/post (\d+)/.exec(d.content ?? "")?.[1] ?? NaN);
        if (!Number.isNaN(n)) latencies.push(d.at - sentAt[n]!);
      }
    }
    // Every request to a black hole must have been cut by the deadline.
    await waitUntil(() => peers.every((p) => p.open === 0), 30_000, 100);
    const faultyPeers = peers.filter((p) => p.behaviour !== "ok");
    return {
      latencies,
      complete,
      healthy: healthy.length,
      longest: Math.max(0, ...faultyPeers.map((p) => p.longestOpenMs)),
      stillOpen: peers.reduce((n, p) => n + p.open, 0),
      faultyAttempts: faultyPeers.reduce((n, p) => n + p.deliveries.length, 0),
    };
  } finally {
    await ecotone.close();
    await Promise.all(peers.map((p) => p.close()));
  }
}

export async function faultyScenario(options: FaultyOptions): Promise<ScenarioResult> {
  const deadlineMs = Number(process.env.ECOTONE_FETCH_TIMEOUT_MS ?? 10_000);
  const baseline = await run(options, false);
  const faulty = await run(options, true);
  const p99Base = percentile(baseline.latencies, 99);
  const p99Faulty = percentile(faulty.latencies, 99);
  const blackholes = Array.from({ length: options.instances }, (_, i) => behaviourOf(i)).filter((b) => b === "blackhole").length;
  const drips = Array.from({ length: options.instances }, (_, i) => behaviourOf(i)).filter((b) => b === "drip").length;
  return {
    rows: [
      {
        run: "fault-free",
        "healthy instances": baseline.healthy,
        deliveries: baseline.latencies.length,
        "all arrived": baseline.complete,
        "p50 ms": percentile(baseline.latencies, 50),
        "p99 ms": p99Base,
        "max ms": Math.max(...baseline.latencies),
      },
      {
        run: "with faults",
        "healthy instances": faulty.healthy,
        deliveries: faulty.latencies.length,
        "all arrived": faulty.complete,
        "p50 ms": percentile(faulty.latencies, 50),
        "p99 ms": p99Faulty,
        "max ms": Math.max(...faulty.latencies),
      },
    ],
    figures: {
      "member instances": options.instances,
      "black holes / drips": `${blackholes} / ${drips}`,
      posts: `${options.posts}, ${options.intervalMs} ms apart`,
      "p99 to healthy, fault-free (ms)": p99Base,
      "p99 to healthy, with faults (ms)": p99Faulty,
      "ratio: p99 with faults ÷ fault-free": p99Faulty / p99Base,
      "requests to faulty peers": faulty.faultyAttempts,
      "longest request to a faulty peer (ms)": faulty.longest,
      "requests still open at the end": faulty.stillOpen,
      "outbound deadline (ms)": deadlineMs,
      "target: p99 ≤ 2× fault-free, no request past the deadline + 1 s": p99Faulty <= 2 * p99Base && faulty.longest <= deadlineMs + 1_000 ? "met" : "missed",
    },
    summary: {
      target: "healthy deliveries' p99 with faults ≤ 2× the fault-free run; no request past the deadline + 1 s",
      met: p99Faulty <= 2 * p99Base && faulty.longest <= deadlineMs + 1_000 && faulty.complete,
      figures: {
        instances: options.instances,
        blackholes,
        drips,
        p99_fault_free_ms: p99Base,
        p99_with_faults_ms: p99Faulty,
        p99_ratio: p99Faulty / p99Base,
        longest_faulty_request_ms: faulty.longest,
        all_healthy_delivered: faulty.complete,
      },
    },
  };
}
