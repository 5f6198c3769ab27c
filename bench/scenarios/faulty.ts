// Scenario 4 — faulty peers: 20 % of the member instances never answer
// (black holes), 5 % drip their answer a byte a second. Posts go out to all;
// the figure that matters is the delivery latency to the healthy ones,
// against a fault-free run in the same process, and that no request
// outlives the outbound deadline.
import { startInstance } from "../../test/helpers/instances.ts";
import { addRemoteMembers, waitUntil } from "../lib/members.ts";
import { startSimInstance, type Behaviour, type SimInstance } from "../lib/peers.ts";
import { percentile, sleep, type Figures } from "../lib/stats.ts";

const DEADLINE_MS = 5_000;

async function run(instances: number, posts: number, faulty: boolean) {
  const ecotone = await startInstance({ retryInitialDelayMs: 1_000, fetchTimeoutMs: DEADLINE_MS });
  const peers: SimInstance[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const behaviour: Behaviour = !faulty ? "ok" : i % 20 < 4 ? "blackhole" : i % 20 === 4 ? "drip" : "ok";
      peers.push(await startSimInstance(behaviour));
    }
    const owner = await ecotone.user("owner");
    await ecotone.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "mixed", name: "Mixed" });
    await addRemoteMembers(ecotone, "mixed", peers, 1);
    const healthy = peers.filter((p) => p.behaviour === "ok");
    const sentAt: number[] = [];
    for (let n = 0; n < posts; n++) {
      sentAt.push(performance.now());
      await ecotone.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "mixed", content: `post ${n}` });
      await sleep(100);
    }
    const announces = (p: SimInstance) => p.deliveries.filter((d) => d.type === "Announce");
    await waitUntil(() => healthy.every((p) => announces(p).length >= posts), 120_000, 50);
    const latencies: number[] = [];
    for (const p of healthy) {
      for (const d of announces(p)) {
        const n = Number(/post (\d+)/.exec(d.content ?? "")?.[1] ?? NaN);
        if (!Number.isNaN(n)) latencies.push(d.at - sentAt[n]!);
      }
    }
    // Give the last requests to the black holes time to hit the deadline.
    await sleep(DEADLINE_MS + 1_000);
    const longest = Math.max(...peers.map((p) => p.longestOpenMs));
    return { latencies, healthy: healthy.length, longest };
  } finally {
    await ecotone.close();
    await Promise.all(peers.map((p) => p.close()));
  }
}

export async function faultyScenario(options: { instances: number; posts: number }): Promise<Figures> {
  const baseline = await run(options.instances, options.posts, false);
  const faulty = await run(options.instances, options.posts, true);
  const p99Base = percentile(baseline.latencies, 99);
  const p99Faulty = percentile(faulty.latencies, 99);
  return {
    "member instances": options.instances,
    "black holes / drips": `${Math.round(options.instances * 0.2)} / ${Math.round(options.instances * 0.05)}`,
    "posts": options.posts,
    "healthy deliveries (fault-free run)": baseline.latencies.length,
    "healthy deliveries (faulty run)": faulty.latencies.length,
    "p50 to healthy, fault-free (ms)": percentile(baseline.latencies, 50),
    "p99 to healthy, fault-free (ms)": p99Base,
    "p50 to healthy, with faults (ms)": percentile(faulty.latencies, 50),
    "p99 to healthy, with faults (ms)": p99Faulty,
    "p99 ratio (faulty / fault-free)": p99Faulty / p99Base,
    "outbound deadline (ms)": DEADLINE_MS,
    "longest request to a faulty peer (ms)": faulty.longest,
    "no request outlived the deadline": faulty.longest <= DEADLINE_MS + 1_000,
    "target: ≤ 2× baseline": p99Faulty <= 2 * p99Base ? "met" : "missed",
  };
}
