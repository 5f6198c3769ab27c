// Scenario 1 — inbox ingest. Open-loop signed Create(Note) activities POSTed
// to the shared inbox /inbox from many remote actors on several simulated
// instances: RSA-2048 keys signing draft-cavage or RFC 9421 in turn, Ed25519
// keys signing RFC 9421; 5 % are re-deliveries of an earlier activity id
// (re-signed, as a retrying server sends them). The offered rate steps up
// (25, 50, 100… /s) until the instance saturates. Requests are signed before
// each step's clock starts, so the load generator's own signing costs the
// server nothing; the generator and the instance run in separate processes.
//
// Figures per step: accepted/s (2xx), latency p50/p99, applied/s (rows
// stored), the instance's CPU time per activity; and, measured in the same
// run, this machine's raw signature-verification rate as the yardstick.
import { cryptoRates } from "../lib/crypto-rates.ts";
import { queryDelta, startEcotone, type BenchInstance } from "../lib/ecotone.ts";
import { startSimInstances, type SignatureSpec, type SimActor, type SimInstance } from "../lib/peers.ts";
import { percentile, sleep, waitUntil, type Figures, type ScenarioResult } from "../lib/stats.ts";
import { measureYardstick } from "./inbox-yardstick.ts";

export interface InboxOptions {
  /** Offered rates (/s), tried in turn until one saturates. */
  rates: number[];
  /** Length of each step. */
  seconds: number;
  actors: number;
  instances: number;
  /** A step whose p99 exceeds this (or that loses requests) ends the ramp. */
  saturatedP99Ms: number;
}

export interface InboxRig {
  ecotone: BenchInstance;
  peers: SimInstance[];
  actors: SimActor[];
  step: number;
}

/** Remote actors (a third with Ed25519 keys) on `instances` simulated instances, each known to Ecotone once. */
export async function setUpInboxRig(ecotone: BenchInstance, actorCount: number, instanceCount: number): Promise<InboxRig> {
  const peers = await startSimInstances(instanceCount);
  const actors: SimActor[] = [];
  for (let i = 0; i < actorCount; i++) actors.push(await peers[i % peers.length]!.addActor(`a${i}`, i % 3 === 2 ? "ed25519" : "rsa"));
  const rig: InboxRig = { ecotone, peers, actors, step: 0 };
  // Warm-up: each actor once, so its key and document are fetched and
  // cached (the steady state of a server that already knows its peers).
  const base = await ecotone.count("posts");
  for (const [i, actor] of actors.entries()) {
    const request = await peerOf(rig, actor).sign(actor, `${ecotone.origin}/inbox`, note(actor, `warm-${i}`), specFor(actor, i));
    const res = await fetch(request);
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`warm-up activity from ${actor.uri} answered ${res.status}`);
  }
  await waitUntil(async () => (await ecotone.count("posts")) >= base + actors.length, 60_000, 100);
  return rig;
}

export function peerOf(rig: InboxRig, actor: SimActor): SimInstance {
  return rig.peers.find((p) => actor.uri.startsWith(`${p.origin}/`))!;
}

/** RSA actors alternate draft-cavage and RFC 9421; Ed25519 keys sign RFC 9421 only. */
export function specFor(actor: SimActor, n: number): SignatureSpec {
  return actor.algorithm === "ed25519" || n % 2 === 0 ? "rfc9421" : "draft-cavage-http-signatures-12";
}

export interface StepResult {
  figures: Figures;
  acceptedPerSecond: number;
  p99: number;
  cpuMsPerActivity: number;
  saturated: boolean;
  mix: Record<string, number>;
  queries: ReturnType<typeof queryDelta>;
}

/** One open-loop step at `rate` for `seconds`. */
export async function runInboxStep(rig: InboxRig, rate: number, seconds: number, saturatedP99Ms = 2_000, idleCpuMsPerSecond = 0): Promise<StepResult> {
  const { ecotone, actors } = rig;
  const step = ++rig.step;
  const inbox = `${ecotone.origin}/inbox`;
  const total = Math.max(1, Math.round(rate * seconds));

  // Pre-sign. Every 20th request re-delivers the activity sent 7 places
  // earlier (same id, same actor, a fresh signature): 5 % duplicates.
  const requests: Request[] = [];
  const mix: Record<string, number> = {};
  let unique = 0;
  for (let i = 0; i < total; i++) {
    const duplicate = i >= 7 && i % 20 === 19;
    const n = duplicate ? i - 7 : i;
    if (!duplicate) unique++;
    const actor = actors[n % actors.length]!;
    const spec = specFor(actor, Math.floor(n / actors.length));
    const label = `${actor.algorithm === "rsa" ? "RSA-2048" : "Ed25519"} ${spec === "rfc9421" ? "RFC 9421" : "draft-cavage"}`;
    mix[label] = (mix[label] ?? 0) + 1;
    requests.push(await peerOf(rig, actor).sign(actor, inbox, note(actor, `s${step}-${n}`), spec));
  }

  const postsBefore = await ecotone.count("posts");
  const getsBefore = rig.peers.reduce((n, p) => n + p.gets, 0);
  const usageBefore = await ecotone.usage();
  const queriesBefore = await ecotone.queryStats();
  const windowStart = performance.now();
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let lastResponse = started;
  for (let i = 0; i < requests.length; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const request = requests[i]!;
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        let status: string;
        try {
          const res = await fetch(request, { signal: AbortSignal.timeout(60_000) });
          await res.arrayBuffer();
          status = String(res.status);
        } catch (error) {
          status = (error as Error).name === "TimeoutError" ? "timeout" : "error";
        }
        const t1 = performance.now();
        latencies.push(t1 - t0);
        lastResponse = Math.max(lastResponse, t1);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      })(),
    );
  }
  await Promise.all(inFlight);
  const acceptSeconds = (lastResponse - started) / 1000;
  // Applied: every unique activity stored as a post (or the count stops moving for 10 s).
  let applied = 0;
  let lastChange = performance.now();
  let appliedAt = performance.now();
  await waitUntil(
    async () => {
      const n = (await ecotone.count("posts")) - postsBefore;
      if (n !== applied) {
        applied = n;
        lastChange = appliedAt = performance.now();
      }
      return applied >= unique || performance.now() - lastChange > 10_000;
    },
    300_000,
    100,
  );
  await waitUntil(async () => ((await ecotone.queueDepth()).inbox ?? 0) === 0, 60_000, 200);
  const usageAfter = await ecotone.usage();
  const queries = queryDelta(queriesBefore, await ecotone.queryStats(), total);
  const windowSeconds = (performance.now() - windowStart) / 1000;
  const gets = rig.peers.reduce((n, p) => n + p.gets, 0) - getsBefore;

  const accepted = [...statuses].filter(([s]) => /^2\d\d$/.test(s)).reduce((n, [, c]) => n + c, 0);
  const acceptedPerSecond = accepted / acceptSeconds;
  const p99 = percentile(latencies, 99);
  const cpuMs = usageAfter.cpuMs - usageBefore.cpuMs;
  const dbCpuMs = usageAfter.dbCpuMs !== null && usageBefore.dbCpuMs !== null ? usageAfter.dbCpuMs - usageBefore.dbCpuMs : null;
  // Net of what the instance spends idle (queue polling…) over the same window.
  const cpuMsPerActivity = (cpuMs + (dbCpuMs ?? 0) - idleCpuMsPerSecond * windowSeconds) / total;
  const refused =
    [...statuses]
      .filter(([s]) => !/^2\d\d$/.test(s))
      .map(([s, c]) => `${c}×${s}`)
      .join(" ") || "none";
  return {
    acceptedPerSecond,
    p99,
    cpuMsPerActivity,
    mix,
    queries,
    saturated: p99 > saturatedP99Ms || accepted < total * 0.99,
    figures: {
      "offered/s": rate,
      sent: total,
      "2xx": accepted,
      "not 2xx": refused,
      "accepted/s": acceptedPerSecond,
      "p50 ms": percentile(latencies, 50),
      "p99 ms": p99,
      "max ms": Math.max(...latencies),
      applied: `${applied}/${unique}`,
      "applied/s": applied / ((appliedAt - started) / 1000),
      "CPU ms/activity": cpuMsPerActivity,
      "GETs to peers/activity": gets / total,
      "DB statements/activity": queries.perUnit,
      ...(dbCpuMs !== null ? { "of which PG ms": dbCpuMs / total } : {}),
      "RSS MiB": usageAfter.rssMiB,
    },
  };
}

export async function closeInboxRig(rig: InboxRig): Promise<void> {
  await Promise.all(rig.peers.map((p) => p.close()));
}

export async function inboxScenario(options: InboxOptions): Promise<ScenarioResult> {
  const crypto = await cryptoRates();
  const ecotone = await startEcotone();
  let rig: InboxRig | null = null;
  try {
    rig = await setUpInboxRig(ecotone, options.actors, options.instances);
    const idleCpuMsPerSecond = await idleCpu(ecotone);
    const steps: StepResult[] = [];
    for (const rate of options.rates) {
      const result = await runInboxStep(rig, rate, options.seconds, options.saturatedP99Ms, idleCpuMsPerSecond);
      steps.push(result);
      console.log(`    step ${rate}/s: ${result.acceptedPerSecond.toFixed(1)} accepted/s, p99 ${result.p99.toFixed(0)} ms`);
      if (result.saturated) break;
    }
    // The bare Fedify server, same actors, same signed activities, same rates.
    const yardstick = await measureYardstick(
      rig,
      steps.map((s) => Number(s.figures["offered/s"])),
      options.seconds,
    );
    const peak = Math.max(...steps.map((s) => s.acceptedPerSecond));
    const withinTarget = steps.filter((s) => !s.saturated && s.p99 < 50).map((s) => Number(s.figures["offered/s"]));
    const cpuPerActivity = percentile(
      steps.map((s) => s.cpuMsPerActivity),
      50,
    );
    const verifyMs = 1000 / crypto.rsaVerifyPerSecond;
    const mix: Record<string, number> = {};
    for (const s of steps) for (const [k, v] of Object.entries(s.mix)) mix[k] = (mix[k] ?? 0) + v;
    const sent = Object.values(mix).reduce((a, b) => a + b, 0);
    const capacity = 1000 / cpuPerActivity;
    const ratio = capacity / yardstick.capacityPerCpuSecond;
    const statements = steps[0]!.queries.perUnit;
    return {
      rows: [...steps.map((s) => s.figures), ...yardstick.rows],
      figures: {
        "remote actors / instances": `${options.actors} / ${options.instances}`,
        "signature mix": Object.entries(mix)
          .map(([k, v]) => `${k} ${Math.round((100 * v) / sent)} %`)
          .join(", "),
        "peak accepted/s": peak,
        "highest offered rate with p99 < 50 ms": withinTarget.length ? Math.max(...withinTarget) : "none",
        "instance CPU when idle (ms per s)": idleCpuMsPerSecond,
        "instance CPU per activity, accept + apply, net of idle (ms, median of steps)": cpuPerActivity,
        "capacity estimate (activities per CPU-second)": capacity,
        "bare Fedify 2.3.8 yardstick: CPU ms per activity (median of steps)": yardstick.cpuMsPerActivity,
        "bare Fedify 2.3.8 yardstick: activities per CPU-second": yardstick.capacityPerCpuSecond,
        "ratio: Ecotone capacity ÷ yardstick (target ≥ 1.0)": ratio,
        "DB statements per activity (step 1; target ≤ 6)": statements,
        "instance RSS after the last step (MiB)": Number(steps[steps.length - 1]!.figures["RSS MiB"]),
        "RSA-2048 verify/s (node:crypto, 1 core)": crypto.rsaVerifyPerSecond,
        "RSA-2048 verify/s (crypto.subtle, awaited)": crypto.rsaSubtleVerifyPerSecond,
        "Ed25519 verify/s (node:crypto, 1 core)": crypto.ed25519VerifyPerSecond,
        "ratio: peak accepted/s ÷ RSA verify/s": peak / crypto.rsaVerifyPerSecond,
        "share of CPU per activity that is RSA verification": verifyMs / cpuPerActivity,
        "target ≥400 accepted/s per core with p99 < 50 ms": steps.some((s) => Number(s.figures["offered/s"]) >= 400 && s.acceptedPerSecond >= 400 && s.p99 < 50)
          ? "met"
          : "missed",
      },
      text: `  Database statements per incoming activity (step 1, accept + apply; ${steps[0]!.queries.notifiesPerUnit.toFixed(2)} NOTIFY):\n${steps[0]!.queries.shapes
        .slice(0, 15)
        .map(([shape, n]) => `    ${n.toFixed(2).padStart(6)}  ${shape}`)
        .join("\n")}`,
      extra: { crypto, queries: steps.map((s) => s.queries) },
      summary: {
        target:
          "capacity (accepted, verified, durably applied per CPU-second) ≥ 1.0× a bare Fedify 2.3.8 server's in the same run; ≤ 6 statements per activity",
        met: ratio >= 1 && statements <= 6,
        figures: {
          capacity_ratio_to_fedify: ratio,
          fedify_capacity_per_cpu_s: yardstick.capacityPerCpuSecond,
          long_goal_400_per_s_p99_under_50ms: steps.some((s) => Number(s.figures["offered/s"]) >= 400 && s.acceptedPerSecond >= 400 && s.p99 < 50),
          peak_accepted_per_s: peak,
          highest_rate_p99_under_50ms: withinTarget.length ? Math.max(...withinTarget) : null,
          cpu_ms_per_activity: cpuPerActivity,
          capacity_per_cpu_s: 1000 / cpuPerActivity,
          db_statements_per_activity: statements,
          peer_gets_per_activity: Number(steps[0]!.figures["GETs to peers/activity"]),
          rsa_verify_per_s: crypto.rsaVerifyPerSecond,
          // The instance process after the last step (with PostgreSQL, the server's memory is apart).
          rss_mib: Number(steps[steps.length - 1]!.figures["RSS MiB"]),
        },
      },
    };
  } finally {
    if (rig) await closeInboxRig(rig);
    await ecotone.close();
  }
}

/** CPU time the instance spends per second doing nothing (queue polling, timers), over 3 s. */
export async function idleCpu(ecotone: BenchInstance): Promise<number> {
  await sleep(1_000);
  const a = await ecotone.usage();
  const t0 = performance.now();
  await sleep(3_000);
  const b = await ecotone.usage();
  const seconds = (performance.now() - t0) / 1000;
  return (b.cpuMs - a.cpuMs + (b.dbCpuMs ?? 0) - (a.dbCpuMs ?? 0)) / seconds;
}

export function note(actor: SimActor, n: string) {
  const id = `${actor.uri}/notes/${n}`;
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${id}/activity`,
    type: "Create",
    actor: actor.uri,
    to: ["https://www.w3.org/ns/activitystreams#Public"],
    object: {
      id,
      type: "Note",
      attributedTo: actor.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      content: `<p>Shipment ${n} left the warehouse.</p>`,
      published: new Date().toISOString(),
    },
  };
}
