// Scenario 3 — a slow, far peer: one member instance that answers after
// 250 ms receives a steady stream of edits of one post. Edits of one object
// are delivered in order (Fedify's ordering key), so the figures are the
// oldest an activity got before delivery, and any reordering seen.
import { startEcotone } from "../lib/ecotone.ts";
import { addRemoteMembers, waitUntil } from "../lib/members.ts";
import { startSimInstance } from "../lib/peers.ts";
import { sleep, type Figures } from "../lib/stats.ts";

export async function slowPeerScenario(options: { rate: number; seconds: number; delayMs: number }): Promise<Figures> {
  const ecotone = await startEcotone();
  const peer = await startSimInstance();
  try {
    peer.delayMs = options.delayMs;
    const owner = await ecotone.user("owner");
    await ecotone.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "far", name: "Far" });
    await addRemoteMembers(ecotone, "far", [peer], 1);
    const post = await ecotone.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "far", content: "version 0" });
    const sentAt = new Map<number, number>();
    const total = options.rate * options.seconds;
    const started = performance.now();
    for (let n = 1; n <= total; n++) {
      const due = started + (n * 1000) / options.rate;
      if (due - performance.now() > 1) await sleep(due - performance.now());
      sentAt.set(n, performance.now());
      void ecotone.api(owner.token, "PATCH", `/api/ecotone/v1/posts/${post.body.id}`, { content: `version ${n}` });
    }
    const versionOf = (content: string | null) => Number(/version (\d+)/.exec(content ?? "")?.[1] ?? -1);
    const updates = () => peer.deliveries.filter((d) => d.type === "Announce" && versionOf(d.content) > 0);
    const done = await waitUntil(() => updates().length >= total, 180_000, 100);
    const got = updates();
    let reordered = 0;
    let maxAgeMs = 0;
    for (let i = 0; i < got.length; i++) {
      const v = versionOf(got[i]!.content);
      if (i > 0 && v < versionOf(got[i - 1]!.content)) reordered++;
      maxAgeMs = Math.max(maxAgeMs, got[i]!.at - (sentAt.get(v) ?? got[i]!.at));
    }
    const spanSeconds = ((got.at(-1)?.at ?? started) - started) / 1000;
    return {
      "peer answer delay (ms)": options.delayMs,
      "edits sent (of one post)": total,
      "offered rate (/s)": options.rate,
      "delivered": got.length,
      "all delivered": done,
      "delivered/s": got.length / spanSeconds,
      "max queue age (s)": maxAgeMs / 1000,
      "reordered deliveries": reordered,
      "target: max age < 5 s, no reordering": maxAgeMs < 5000 && reordered === 0 ? "met" : "missed",
    };
  } finally {
    await ecotone.close();
    await peer.close();
  }
}
