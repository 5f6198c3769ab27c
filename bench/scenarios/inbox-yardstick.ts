// The inbox's yardstick, measured in the same run as Ecotone: the same
// remote actors send the same signed Create(Note) activities (same mix of
// RSA/Ed25519 keys and signature specs, 5 % re-deliveries) at the same
// offered rates to a bare Fedify 2.3.8 server (bench/lib/fedify-yardstick.*),
// and its CPU time per activity, net of its idle cost, gives its capacity
// (activities per CPU-second). Ecotone's capacity ÷ this one is the target
// ratio (≥ 1.0): what Ecotone's own work — the trust gate, durable storage,
// the queue — costs on top of what Fedify alone spends receiving.
import { startYardstick } from "../lib/fedify-yardstick.ts";
import { percentile, sleep, waitUntil, type Figures } from "../lib/stats.ts";
import { note, peerOf, specFor, type InboxRig } from "./inbox.ts";

export interface YardstickResult {
  rows: Figures[];
  cpuMsPerActivity: number;
  capacityPerCpuSecond: number;
}

export async function measureYardstick(rig: InboxRig, rates: number[], seconds: number): Promise<YardstickResult> {
  const yardstick = await startYardstick();
  try {
    const inbox = `${yardstick.origin}/inbox`;
    // Warm-up, as for Ecotone: every actor once, so its key is cached.
    for (const [i, actor] of rig.actors.entries()) {
      const res = await fetch(await peerOf(rig, actor).sign(actor, inbox, note(actor, `y-warm-${i}`), specFor(actor, i)));
      await res.arrayBuffer();
      if (res.status >= 300) throw new Error(`the yardstick answered ${res.status} to ${actor.uri}'s warm-up activity`);
    }
    await sleep(1_000);
    const idleA = await yardstick.usage();
    const t0 = performance.now();
    await sleep(2_000);
    const idleB = await yardstick.usage();
    const idlePerSecond = (idleB.cpuMs - idleA.cpuMs) / ((performance.now() - t0) / 1000);

    const rows: Figures[] = [];
    const perActivity: number[] = [];
    for (const [stepIndex, rate] of rates.entries()) {
      const total = Math.max(1, Math.round(rate * seconds));
      const requests: Request[] = [];
      for (let i = 0; i < total; i++) {
        const duplicate = i >= 7 && i % 20 === 19;
        const n = duplicate ? i - 7 : i;
        const actor = rig.actors[n % rig.actors.length]!;
        requests.push(await peerOf(rig, actor).sign(actor, inbox, note(actor, `y${stepIndex}-${n}`), specFor(actor, Math.floor(n / rig.actors.length))));
      }
      const before = await yardstick.usage();
      const latencies: number[] = [];
      let ok = 0;
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < requests.length; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 1) await sleep(wait);
        const request = requests[i]!;
        inFlight.push(
          (async () => {
            const t = performance.now();
            try {
              const res = await fetch(request, { signal: AbortSignal.timeout(60_000) });
              await res.arrayBuffer();
              if (res.status < 300) ok++;
            } catch {
              // counted as not accepted
            }
            latencies.push(performance.now() - t);
          })(),
        );
      }
      await Promise.all(inFlight);
      const elapsed = (performance.now() - started) / 1000;
      await waitUntil(async () => (await yardstick.usage()).received >= before.received, 5_000, 100);
      const after = await yardstick.usage();
      const cpu = (after.cpuMs - before.cpuMs - idlePerSecond * elapsed) / total;
      perActivity.push(cpu);
      rows.push({
        "yardstick offered/s": rate,
        "2xx": `${ok}/${total}`,
        "accepted/s": ok / elapsed,
        "p50 ms": percentile(latencies, 50),
        "p99 ms": percentile(latencies, 99),
        "CPU ms/activity": cpu,
        "listener calls": after.received - before.received,
      });
    }
    const cpuMsPerActivity = percentile(perActivity, 50);
    return { rows, cpuMsPerActivity, capacityPerCpuSecond: 1000 / cpuMsPerActivity };
  } finally {
    await yardstick.close();
  }
}
