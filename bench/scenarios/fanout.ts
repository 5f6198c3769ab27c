// Scenario 2 — group fan-out: one post in a group whose members live on many
// instances (members are put into the database directly, as if each had
// joined). The group Announces the post to its followers' shared inboxes:
// one signed delivery per instance. Measured a few times (a new post each
// round) against this machine's RSA-2048 signing rate from the same run.
import { cryptoRates } from "../lib/crypto-rates.ts";
import { queryDelta, startEcotone, type BenchInstance, type BenchUser } from "../lib/ecotone.ts";
import { startSimInstances, type SimInstance } from "../lib/peers.ts";
import { percentile, waitUntil, type Figures, type ScenarioResult } from "../lib/stats.ts";

export interface FanoutOptions {
  members: number;
  instances: number;
  rounds: number;
}

export interface FanoutRig {
  ecotone: BenchInstance;
  owner: BenchUser;
  peers: SimInstance[];
  slug: string;
  members: number;
  round: number;
}

export async function setUpFanoutRig(ecotone: BenchInstance, options: { members: number; instances: number }, slug = "network"): Promise<FanoutRig> {
  const owner = await ecotone.user(`${slug}_owner`);
  const created = await ecotone.api(owner.token, "POST", "/api/ecotone/v1/groups", {
    slug,
    name: "Supplier network",
    visibility: "public",
    joinPolicy: "open",
  });
  if (created.status !== 201) throw new Error(`group create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const peers = await startSimInstances(options.instances);
  const members = await ecotone.addRemoteMembers(slug, peers, Math.ceil(options.members / options.instances));
  return { ecotone, owner, peers, slug, members, round: 0 };
}

export interface FanoutRound {
  apiMs: number;
  allReached: boolean;
  firstMs: number;
  lastMs: number;
  deliveries: number;
  cpuMs: number;
  queries: ReturnType<typeof queryDelta>;
}

/** One post; waits until every instance has its Announce (or 120 s pass). */
export async function runFanoutRound(rig: FanoutRig): Promise<FanoutRound> {
  const { ecotone, peers } = rig;
  const marker = `[round ${++rig.round}]`;
  const before = await ecotone.usage();
  const queriesBefore = await ecotone.queryStats();
  const t0 = performance.now();
  const res = await ecotone.api(rig.owner.token, "POST", "/api/ecotone/v1/posts", { group: rig.slug, content: `Q1 forecast is out ${marker}` });
  const apiMs = performance.now() - t0;
  if (res.status !== 201) throw new Error(`post answered ${res.status}: ${JSON.stringify(res.body)}`);
  const arrival = (p: SimInstance) => p.deliveries.find((d) => d.type === "Announce" && d.content?.includes(marker))?.at;
  const allReached = await waitUntil(() => peers.every((p) => arrival(p) !== undefined), 120_000, 10);
  const times = peers.map(arrival).filter((t): t is number => t !== undefined);
  // Let the outbox queue settle before the next round.
  await waitUntil(async () => ((await ecotone.queueDepth()).outbox ?? 0) === 0, 30_000, 100);
  const after = await ecotone.usage();
  const queriesAfter = await ecotone.queryStats();
  const deliveries = peers.reduce((n, p) => n + p.deliveries.filter((d) => d.type === "Announce" && d.content?.includes(marker)).length, 0);
  return {
    apiMs,
    allReached,
    firstMs: Math.min(...times) - t0,
    lastMs: Math.max(...times) - t0,
    deliveries,
    queries: queryDelta(queriesBefore, queriesAfter, Math.max(1, deliveries)),
    cpuMs: after.cpuMs - before.cpuMs + (after.dbCpuMs ?? 0) - (before.dbCpuMs ?? 0),
  };
}

export async function closeFanoutRig(rig: FanoutRig): Promise<void> {
  await Promise.all(rig.peers.map((p) => p.close()));
}

export async function fanoutScenario(options: FanoutOptions): Promise<ScenarioResult> {
  const crypto = await cryptoRates();
  const ecotone = await startEcotone();
  let rig: FanoutRig | null = null;
  try {
    rig = await setUpFanoutRig(ecotone, options);
    const rounds: FanoutRound[] = [];
    for (let i = 0; i < options.rounds; i++) rounds.push(await runFanoutRound(rig));
    const rows: Figures[] = rounds.map((r, i) => ({
      round: i + 1,
      "API ms": r.apiMs,
      "first inbox s": r.firstMs / 1000,
      "last inbox s": r.lastMs / 1000,
      deliveries: r.deliveries,
      "deliveries/s": r.deliveries / (r.lastMs / 1000),
      "CPU ms/delivery": r.cpuMs / r.deliveries,
      "DB statements/delivery": r.queries.perUnit,
    }));
    const median = (f: (r: FanoutRound) => number) => percentile(rounds.map(f), 50);
    const perSecond = median((r) => r.deliveries / (r.lastMs / 1000));
    const last = median((r) => r.lastMs) / 1000;
    const api = median((r) => r.apiMs);
    // The target is for 500 inboxes; a smaller run is scaled linearly.
    const lastAt500 = (last * 500) / options.instances;
    return {
      rows,
      figures: {
        "members / instances (shared inboxes)": `${rig.members} / ${options.instances}`,
        "every instance reached, every round": rounds.every((r) => r.allReached),
        "API response to the POST (ms, median)": api,
        "time until the last inbox has it (s, median)": last,
        "deliveries/s (median)": perSecond,
        "instance CPU per delivery (ms, median)": median((r) => r.cpuMs / r.deliveries),
        "RSA-2048 sign/s (node:crypto, 1 core)": crypto.rsaSignPerSecond,
        "RSA-2048 sign/s (crypto.subtle, awaited)": crypto.rsaSubtleSignPerSecond,
        "ratio: deliveries/s ÷ RSA sign/s": perSecond / crypto.rsaSignPerSecond,
        "target API < 100 ms, 500 inboxes < 2 s": `${api < 100 && lastAt500 < 2 ? "met" : "missed"} (${options.instances < 500 ? `scaled to 500: ${lastAt500.toFixed(1)} s` : "at size"})`,
      },
      text: `  Database statements per delivery (last round; ${rounds.at(-1)!.queries.notifiesPerUnit.toFixed(2)} NOTIFY):\n${rounds
        .at(-1)!
        .queries.shapes.slice(0, 12)
        .map(([shape, n]) => `    ${n.toFixed(2).padStart(6)}  ${shape}`)
        .join("\n")}`,
      extra: { crypto, queries: rounds.map((r) => r.queries) },
      summary: {
        target: "POST answered < 100 ms; the last of 500 inboxes served < 2 s (smaller runs scaled linearly)",
        met: api < 100 && lastAt500 < 2 && rounds.every((r) => r.allReached),
        figures: {
          members: rig.members,
          instances: options.instances,
          api_ms_median: api,
          last_inbox_s_median: last,
          last_inbox_s_scaled_to_500: lastAt500,
          deliveries_per_s_median: perSecond,
          cpu_ms_per_delivery_median: median((r) => r.cpuMs / r.deliveries),
          db_statements_per_delivery: rounds.at(-1)!.queries.perUnit,
          every_instance_reached: rounds.every((r) => r.allReached),
        },
      },
    };
  } finally {
    if (rig) await closeFanoutRig(rig);
    await ecotone.close();
  }
}
