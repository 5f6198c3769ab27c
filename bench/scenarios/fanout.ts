// Scenario 2 — group fan-out: one post in a group whose members live on many
// instances. Fedify's fan-out queue turns it into one signed delivery per
// shared inbox. Reported against this machine's RSA-2048 signing rate.
import { rsaRates } from "../lib/crypto-rates.ts";
import { startEcotone } from "../lib/ecotone.ts";
import { addRemoteMembers, waitUntil } from "../lib/members.ts";
import { startSimInstance, type SimInstance } from "../lib/peers.ts";
import type { Figures } from "../lib/stats.ts";

export async function fanoutScenario(options: { members: number; instances: number }): Promise<Figures> {
  const ecotone = await startEcotone();
  const peers: SimInstance[] = [];
  try {
    const owner = await ecotone.user("owner");
    await ecotone.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "network", name: "Supplier network" });
    for (let i = 0; i < options.instances; i++) peers.push(await startSimInstance());
    const members = await addRemoteMembers(ecotone, "network", peers, Math.ceil(options.members / options.instances));

    const t0 = performance.now();
    const res = await ecotone.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "network", content: "Q1 forecast is out." });
    const apiMs = performance.now() - t0;
    if (res.status !== 201) throw new Error(`post failed: ${res.status}`);
    const reached = (p: SimInstance) => p.deliveries.some((d) => d.type === "Announce");
    const all = await waitUntil(() => peers.every(reached), 120_000);
    const lastArrival = Math.max(...peers.map((p) => p.deliveries.find((d) => d.type === "Announce")?.at ?? Infinity));
    const seconds = (lastArrival - t0) / 1000;
    const deliveries = peers.reduce((n, p) => n + p.deliveries.filter((d) => d.type === "Announce").length, 0);
    const rsa = rsaRates();
    return {
      "members": members,
      "member instances (shared inboxes)": options.instances,
      "API response (ms)": apiMs,
      "every instance reached": all,
      "time until the last instance has it (s)": seconds,
      "deliveries": deliveries,
      "deliveries/s": deliveries / seconds,
      "RSA-2048 sign/s (1 core, same run)": rsa.signPerSecond,
      "deliveries/s ÷ RSA sign/s": deliveries / seconds / rsa.signPerSecond,
      "target: API < 100 ms, 500 inboxes < 3 s": apiMs < 100 && (options.instances >= 500 ? seconds < 3 : seconds * (500 / options.instances) < 3) ? "met (scaled)" : "missed",
    };
  } finally {
    await ecotone.close();
    await Promise.all(peers.map((p) => p.close()));
  }
}
