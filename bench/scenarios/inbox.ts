// Scenario 1 — inbox ingest: open-loop signed Create(Note) activities to the
// shared inbox from many remote actors (draft-cavage and RFC 9421, RSA-2048
// and Ed25519 keys, 5 % duplicates). Requests are signed before the clock
// starts, so the load generator's own signing does not count against the
// server. Reported against this machine's raw verification rate.
import { rsaRates, ed25519VerifyRate } from "../lib/crypto-rates.ts";
import { countRows, startEcotone } from "../lib/ecotone.ts";
import { startSimInstance, type SimActor, type SimInstance } from "../lib/peers.ts";
import { percentile, sleep, type Figures } from "../lib/stats.ts";

export interface InboxOptions {
  rate: number;
  seconds: number;
  actors: number;
}

export async function inboxScenario(options: InboxOptions): Promise<Figures> {
  const ecotone = await startEcotone();
  const peers: SimInstance[] = [];
  const actors: Array<{ peer: SimInstance; actor: SimActor }> = [];
  try {
    for (let i = 0; i < Math.ceil(options.actors / 5); i++) peers.push(await startSimInstance());
    for (let i = 0; i < options.actors; i++) {
      const peer = peers[i % peers.length]!;
      actors.push({ peer, actor: await peer.addActor(`a${i}`, i % 3 === 2 ? "ed25519" : "rsa") });
    }
    const inbox = `${ecotone.origin}/inbox`;
    const total = options.rate * options.seconds;
    const basePosts = await countRows(ecotone, "posts");

    // Warm-up: each actor once (its key is fetched and cached, as in steady state).
    for (const [i, { peer, actor }] of actors.entries()) {
      await peer.send(actor, inbox, note(actor, `warm-${i}`), actor.algorithm === "rsa" ? "draft-cavage-http-signatures-12" : "rfc9421");
    }
    const afterWarmup = await waitForStable(ecotone, basePosts + actors.length, 30_000);

    // Pre-sign every request: RSA actors alternate draft-cavage and RFC 9421
    // HTTP signatures; Ed25519 actors send integrity proofs instead.
    const requests: Request[] = [];
    let unique = 0;
    for (let i = 0; i < total; i++) {
      const duplicate = i > 20 && i % 20 === 0; // 5 %
      const n = duplicate ? i - 7 : i;
      if (!duplicate) unique++;
      // A duplicate repeats an earlier activity exactly, from that activity's actor.
      const { peer, actor } = actors[n % actors.length]!;
      const spec = n % 2 === 0 ? "rfc9421" : "draft-cavage-http-signatures-12";
      requests.push(await peer.sign(actor, inbox, note(actor, String(n)), spec));
    }

    const latencies: number[] = [];
    let accepted = 0;
    let refused = 0;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < requests.length; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const request = requests[i]!;
      inFlight.push(
        (async () => {
          const t0 = performance.now();
          const res = await fetch(request).catch(() => null);
          await res?.arrayBuffer().catch(() => null);
          latencies.push(performance.now() - t0);
          if (res && res.status >= 200 && res.status < 300) accepted++;
          else refused++;
        })(),
      );
    }
    await Promise.all(inFlight);
    const sendSeconds = (performance.now() - started) / 1000;
    const applied = (await waitForStable(ecotone, afterWarmup + unique, 120_000)) - afterWarmup;
    const applySeconds = (performance.now() - started) / 1000;

    const rsa = rsaRates();
    const ed = ed25519VerifyRate();
    const acceptedPerSecond = accepted / sendSeconds;
    return {
      "offered rate (/s)": options.rate,
      "requests": total,
      "accepted (2xx)": accepted,
      "refused": refused,
      "accepted/s": acceptedPerSecond,
      "latency p50 (ms)": percentile(latencies, 50),
      "latency p99 (ms)": percentile(latencies, 99),
      "applied (unique activities stored)": applied,
      "unique activities sent": unique,
      "applied/s": applied / applySeconds,
      "RSA-2048 verify/s (1 core, same run)": rsa.verifyPerSecond,
      "Ed25519 verify/s (1 core, same run)": ed,
      "accepted/s ÷ RSA verify/s": acceptedPerSecond / rsa.verifyPerSecond,
      "target: ≥400 accepted/s per core, p99 < 50 ms": acceptedPerSecond >= 400 && percentile(latencies, 99) < 50 ? "met" : "missed",
    };
  } finally {
    await ecotone.close();
    await Promise.all(peers.map((p) => p.close()));
  }
}

function note(actor: SimActor, n: string) {
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
      content: `<p>Reading ${n}</p>`,
      published: new Date().toISOString(),
    },
  };
}

/** Waits until the posts table holds `expected` rows (or stops growing), and returns the count. */
async function waitForStable(ecotone: Awaited<ReturnType<typeof startEcotone>>, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const n = await countRows(ecotone, "posts");
    if (n >= expected) return n;
    if (n !== last) {
      last = n;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 5_000 || Date.now() > deadline) {
      return n;
    }
    await sleep(100);
  }
}
