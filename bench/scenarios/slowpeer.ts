// Scenario 3 — a slow, far peer: one member instance that answers every
// delivery after 250 ms receives a steady stream of activities on one post,
// 50/s for 30 s by default, in two phases:
//
//   edits — the author edits the post 50 times a second. Ecotone coalesces
//           pending edits of one post (an Update carries the post as it is
//           when it is sent), so the figure is how stale the peer's copy gets:
//           the longest an edit waited until the peer had it or a newer one.
//   likes — 50 different local people like the post each second, and every
//           tenth withdraws the like right after. Likes cannot be coalesced;
//           they are ordered per post *and* liker (ADR 0101), so different
//           people's likes travel side by side while one person's Undo must
//           still arrive after the Like it withdraws.
//
// Figures: the max queue age (edits: staleness; likes: the oldest like still
// waiting), what was still queued when the benchmark stopped watching, and
// whether any activity arrived after a newer one of the same actor (edits:
// the author's versions; likes: a liker's Undo before its Like).
import { startEcotone, type BenchInstance, type BenchUser } from "../lib/ecotone.ts";
import { startSimInstance, type Delivery, type SimInstance } from "../lib/peers.ts";
import { percentile, sleep, waitUntil, type Figures, type ScenarioResult } from "../lib/stats.ts";

export interface SlowPeerOptions {
  rate: number;
  seconds: number;
  delayMs: number;
  /** How long to keep watching after the last activity of a phase. */
  drainSeconds: number;
}

/** API calls of the benchmark's own users unanswered at once. */
const MAX_API_IN_FLIGHT = 16;

/**
 * Calls `call(n)` for n = 1…total at `rate`, with at most `maxInFlight`
 * unanswered at once (a saturated instance is not flooded with connections:
 * the next call waits, and the rate achieved is reported); returns when every
 * call has answered. A call that fails (no answer at all) counts as a failure.
 */
async function openLoop(total: number, rate: number, call: (n: number) => Promise<{ status: number }>, maxInFlight = MAX_API_IN_FLIGHT) {
  const sentAt = new Map<number, number>();
  const apiMs: number[] = [];
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let n = 1; n <= total; n++) {
    const due = started + ((n - 1) * 1000) / rate;
    if (due - performance.now() > 1) await sleep(due - performance.now());
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const t0 = performance.now();
    sentAt.set(n, t0);
    const done = call(n).then(
      (res) => {
        apiMs.push(performance.now() - t0);
        if (res.status >= 300) failures++;
      },
      () => {
        failures++;
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  }
  const lastSent = performance.now();
  await Promise.all(inFlight);
  const achievedRate = total / Math.max(0.001, (lastSent - started) / 1000 + 1 / rate);
  return { sentAt, apiMs, failures, lastSent, achievedRate };
}

async function editsPhase(ecotone: BenchInstance, owner: BenchUser, peer: SimInstance, postId: string, options: SlowPeerOptions): Promise<Figures> {
  const versionOf = (d: Delivery) => Number(/version (\d+)/.exec(d.content ?? "")?.[1] ?? -1);
  const from = peer.deliveries.length;
  const updates = () => peer.deliveries.slice(from).filter((d) => d.inner?.type === "Update" && versionOf(d) > 0);
  const total = Math.round(options.rate * options.seconds);
  const sent = await openLoop(total, options.rate, (n) => ecotone.api(owner.token, "PATCH", `/api/ecotone/v1/posts/${postId}`, { content: `version ${n}` }));
  const converged = await waitUntil(() => updates().some((d) => versionOf(d) === total), options.drainSeconds * 1000, 50);
  const cutoff = performance.now();
  const got = updates();
  // Staleness: at each arrival (and at the end), how long the oldest edit the peer had not yet seen had waited.
  let seen = 0;
  let maxLagMs = 0;
  let versionsBackwards = 0;
  const lagAt = (t: number) => (seen < total && sent.sentAt.get(seen + 1)! <= t ? t - sent.sentAt.get(seen + 1)! : 0);
  for (const d of got) {
    maxLagMs = Math.max(maxLagMs, lagAt(d.at));
    if (versionOf(d) < seen) versionsBackwards++;
    seen = Math.max(seen, versionOf(d));
  }
  maxLagMs = Math.max(maxLagMs, lagAt(cutoff));
  const finalAt = got.find((d) => versionOf(d) === total)?.at;
  return {
    phase: "edits",
    sent: `${total} (${options.rate}/s)`,
    "sent/s": sent.achievedRate,
    "API p50/p99 ms": `${percentile(sent.apiMs, 50).toFixed(0)}/${percentile(sent.apiMs, 99).toFixed(0)}`,
    "API failures": sent.failures,
    "activities delivered": got.length,
    "delivered/s": got.length / (((got.at(-1)?.at ?? cutoff) - (sent.sentAt.get(1) ?? cutoff)) / 1000),
    "max queue age s": maxLagMs / 1000,
    "still queued at the end": converged ? 0 : `${total - seen} edits not yet seen`,
    "last one arrived after s": finalAt ? (finalAt - sent.sentAt.get(total)!) / 1000 : `not within ${options.drainSeconds}`,
    // By version in the content: activity ids are random (UUIDs), so they say nothing about order.
    "out of order": versionsBackwards,
  };
}

async function likesPhase(ecotone: BenchInstance, tokens: string[], peer: SimInstance, postId: string, options: SlowPeerOptions): Promise<Figures> {
  const from = peer.deliveries.length;
  const likes = () => peer.deliveries.slice(from).filter((d) => d.inner?.type === "Like");
  const total = Math.min(tokens.length, Math.round(options.rate * options.seconds));
  const withdrawn = (n: number) => n % 10 === 0;
  const undos = () => peer.deliveries.slice(from).filter((d) => d.inner?.type === "Undo");
  const sent = await openLoop(total, options.rate, async (n) => {
    const liked = await ecotone.api(tokens[n - 1]!, "POST", `/api/ecotone/v1/posts/${postId}/like`);
    return withdrawn(n) && liked.status < 300 ? ecotone.api(tokens[n - 1]!, "DELETE", `/api/ecotone/v1/posts/${postId}/like`) : liked;
  });
  const undosSent = Array.from({ length: total }, (_, i) => i + 1).filter(withdrawn).length;
  await waitUntil(() => likes().length >= total && undos().length >= undosSent, options.drainSeconds * 1000, 100);
  const cutoff = performance.now();
  const got = likes();
  // The n-th liker is /users/liker{n}.
  const likerOf = (d: Delivery) => Number(/\/users\/liker(\d+)$/.exec(d.inner?.actor ?? "")?.[1] ?? NaN);
  const ages = got.map((d) => d.at - (sent.sentAt.get(likerOf(d)) ?? d.at));
  const delivered = new Set(got.map(likerOf));
  const waiting = [...sent.sentAt.keys()].filter((n) => !delivered.has(n));
  const oldestWaitingMs = waiting.length ? cutoff - Math.min(...waiting.map((n) => sent.sentAt.get(n)!)) : 0;
  // Per liker: an Undo that arrived before the Like it withdraws.
  const likedAt = new Map(got.map((d) => [likerOf(d), d.at]));
  const undoneBeforeLiked = undos().filter((d) => !(likedAt.get(likerOf(d))! < d.at)).length;
  const depth = await ecotone.queueDepth();
  return {
    phase: "likes",
    sent: `${total} (${options.rate}/s)`,
    "sent/s": sent.achievedRate,
    "API p50/p99 ms": `${percentile(sent.apiMs, 50).toFixed(0)}/${percentile(sent.apiMs, 99).toFixed(0)}`,
    "API failures": sent.failures,
    "activities delivered": got.length,
    "delivered/s": got.length / (((got.at(-1)?.at ?? cutoff) - (sent.sentAt.get(1) ?? cutoff)) / 1000),
    "max queue age s": Math.max(oldestWaitingMs, ...ages) / 1000,
    "still queued at the end": `${waiting.length} likes (outbox queue ${depth.outbox ?? 0})`,
    "last one arrived after s": waiting.length === 0 ? (Math.max(...got.map((d) => d.at)) - sent.lastSent) / 1000 : `not within ${options.drainSeconds}`,
    "out of order": undoneBeforeLiked,
    "Undos delivered": `${undos().length} of ${undosSent}`,
  };
}

export async function slowPeerScenario(options: SlowPeerOptions): Promise<ScenarioResult> {
  const ecotone = await startEcotone();
  // A FEP-1b12 server (Lemmy-like): the group relays likes to it, which it does not to Mastodon-family servers.
  const peer = await startSimInstance("ok", "lemmy");
  try {
    peer.delayMs = options.delayMs;
    const owner = await ecotone.user("owner");
    await ecotone.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "far", name: "Far", visibility: "public", joinPolicy: "open" });
    await ecotone.addRemoteMembers("far", [peer], 1);
    const post = await ecotone.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "far", content: "version 0" });
    if (post.status !== 201) throw new Error(`post answered ${post.status}`);
    await waitUntil(() => peer.deliveries.length > 0, 30_000);
    const likers = Math.round(options.rate * options.seconds);
    const tokens = await ecotone.cloneUsers("owner", "liker", likers);
    if (process.env.BENCH_SLOW_JOIN) {
      for (const token of tokens) {
        const joined = await ecotone.api(token, "POST", "/api/ecotone/v1/groups/far/join");
        if (joined.status >= 300) throw new Error(`join answered ${joined.status}: ${JSON.stringify(joined.body)}`);
      }
    }
    await waitUntil(async () => ((await ecotone.queueDepth()).outbox ?? 0) === 0, 60_000, 200);

    const edits = await editsPhase(ecotone, owner, peer, post.body.id, options);
    console.log(`    edits: max queue age ${Number(edits["max queue age s"]).toFixed(1)} s`);
    const likes = await likesPhase(ecotone, tokens, peer, post.body.id, options);
    console.log(`    likes: max queue age ${Number(likes["max queue age s"]).toFixed(1)} s`);
    const rows = [edits, likes];
    const worstAge = Math.max(Number(edits["max queue age s"]), Number(likes["max queue age s"]));
    const outOfOrder = Number(edits["out of order"]) + Number(likes["out of order"]);
    return {
      rows,
      figures: {
        "peer answer delay (ms)": options.delayMs,
        "ceiling for one object to one instance: 1000 / delay (/s)": 1000 / options.delayMs,
        "watched after each phase (s)": options.drainSeconds,
        "max queue age, edits (s)": Number(edits["max queue age s"]),
        "max queue age, likes (s)": Number(likes["max queue age s"]),
        "activities on the post that arrived after a newer one": outOfOrder,
        "target: max queue age < 5 s, nothing out of order": worstAge < 5 && outOfOrder === 0 ? "met" : "missed",
      },
      summary: {
        target: `oldest queued activity < 5 s and nothing out of order, ${options.rate}/s to a peer ${options.delayMs} ms away`,
        met: worstAge < 5 && outOfOrder === 0,
        figures: {
          peer_delay_ms: options.delayMs,
          offered_per_s: options.rate,
          sent_per_s_edits: Number(edits["sent/s"]),
          sent_per_s_likes: Number(likes["sent/s"]),
          max_queue_age_edits_s: Number(edits["max queue age s"]),
          max_queue_age_likes_s: Number(likes["max queue age s"]),
          delivered_edits: Number(edits["activities delivered"]),
          delivered_likes: Number(likes["activities delivered"]),
          out_of_order: outOfOrder,
        },
      },
    };
  } finally {
    await ecotone.close();
    await peer.close();
  }
}
