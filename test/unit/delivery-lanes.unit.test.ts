// Delivery lanes (src/federation/delivery-lanes.ts): a peer that does not
// answer is cut at the response-head deadline and then gets one delivery in
// flight (others deferred, to be retried), while deliveries to a healthy host
// go on at once; a host that answers again is back in the quick lane; a host
// not heard from yet gets one delivery at a time until it answers.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { DeliveryDeferredError, DeliveryLanes, laneFetch, ResponseHeadTimeoutError } from "../../src/federation/delivery-lanes.ts";

function delivery(host: string): Request {
  return new Request(`https://${host}/inbox`, {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/activity+json", signature: 'keyId="https://us.example/actor#main-key",signature="AAAA"' },
  });
}

/** A peer per host: "dead" hosts never answer (until aborted), others answer 202. */
function peers(dead: Set<string>) {
  const sent: string[] = [];
  const inner = ((input: RequestInfo | URL, init?: RequestInit) => {
    const host = new URL((input as Request).url).host;
    sent.push(host);
    if (!dead.has(host)) return Promise.resolve(new Response(null, { status: 202 }));
    return new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
  }) as typeof fetch;
  return { sent, inner };
}

describe("delivery lanes", () => {
  it("cuts a delivery whose peer does not start answering within the head deadline", async () => {
    const { inner } = peers(new Set(["dead.example"]));
    const lanes = new DeliveryLanes({ headTimeoutMs: 50 });
    const started = Date.now();
    await expect(laneFetch(inner, lanes)(delivery("dead.example"))).rejects.toBeInstanceOf(ResponseHeadTimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lanes.isSlow("dead.example")).toBe(true);
  });

  it("sends a host that did not answer one delivery at a time, deferring the rest, while a healthy host is not held up", async () => {
    const dead = new Set(["dead.example"]);
    const { sent, inner } = peers(dead);
    const lanes = new DeliveryLanes({ headTimeoutMs: 200 });
    const fetchIt = laneFetch(inner, lanes);
    await expect(fetchIt(delivery("dead.example"))).rejects.toBeInstanceOf(ResponseHeadTimeoutError);
    const first = fetchIt(delivery("dead.example")).catch((e: unknown) => e);
    await expect(fetchIt(delivery("dead.example"))).rejects.toBeInstanceOf(DeliveryDeferredError);
    const healthy = await Promise.all([1, 2, 3].map(() => fetchIt(delivery("ok.example"))));
    expect(healthy.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(await first).toBeInstanceOf(ResponseHeadTimeoutError);
    // The deferred one never reached the peer.
    expect(sent.filter((h) => h === "dead.example")).toHaveLength(2);
    expect(lanes.deferred).toBe(1);
    // It comes back: the next answer takes it out of the slow lane.
    dead.delete("dead.example");
    expect((await fetchIt(delivery("dead.example"))).status).toBe(202);
    expect(lanes.isSlow("dead.example")).toBe(false);
    const again = await Promise.all([1, 2].map(() => fetchIt(delivery("dead.example"))));
    expect(again.map((r) => r.status)).toEqual([202, 202]);
  });

  it("lets a healthy host have up to the per-host cap in flight; more wait their turn and are all sent", async () => {
    let open = 0;
    let most = 0;
    const inner = (async () => {
      open++;
      most = Math.max(most, open);
      await new Promise((r) => setTimeout(r, 20));
      open--;
      return new Response(null, { status: 202 });
    }) as typeof fetch;
    const fetchIt = laneFetch(inner, new DeliveryLanes({ headTimeoutMs: 5_000, quickPerHost: 3 }));
    const all = await Promise.all(Array.from({ length: 10 }, () => fetchIt(delivery("busy.example"))));
    expect(all.every((r) => r.status === 202)).toBe(true);
    expect(most).toBe(3);
  });

  it("sends a host nobody has heard from one delivery at a time: the rest go once it answers, or are deferred once it fails", async () => {
    const heads = new Map<string, Array<(ok: boolean) => void>>();
    const sent: string[] = [];
    const inner = ((input: RequestInfo | URL) => {
      const host = new URL((input as Request).url).host;
      sent.push(host);
      return new Promise<Response>((resolve, reject) => {
        const list = heads.get(host) ?? [];
        list.push((ok) => (ok ? resolve(new Response(null, { status: 202 })) : reject(new Error("connection reset"))));
        heads.set(host, list);
      });
    }) as typeof fetch;
    const lanes = new DeliveryLanes({ headTimeoutMs: 5_000 });
    const fetchIt = laneFetch(inner, lanes);
    const settled = <T>(p: Promise<T>) =>
      p.then(
        (r) => r,
        (e: unknown) => e,
      );

    const live = [1, 2, 3].map(() => settled(fetchIt(delivery("new-live.example"))));
    const dead = [1, 2, 3].map(() => settled(fetchIt(delivery("new-dead.example"))));
    await new Promise((r) => setTimeout(r, 20));
    expect(lanes.laneOf("new-live.example")).toBe("probation");
    expect(sent.filter((h) => h === "new-live.example")).toHaveLength(1);
    expect(sent.filter((h) => h === "new-dead.example")).toHaveLength(1);
    expect(lanes.stats()).toMatchObject({ inFlight: { probation: 2 }, waiting: 4 });

    heads.get("new-live.example")!.shift()!(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(lanes.laneOf("new-live.example")).toBe("quick");
    expect(sent.filter((h) => h === "new-live.example")).toHaveLength(3);
    for (const answer of heads.get("new-live.example")!.splice(0)) answer(true);
    expect((await Promise.all(live)).map((r) => (r as Response).status)).toEqual([202, 202, 202]);

    heads.get("new-dead.example")!.shift()!(false);
    // In the slow lane now: one more goes (one in flight at a time), the other is deferred.
    await new Promise((r) => setTimeout(r, 20));
    expect(lanes.laneOf("new-dead.example")).toBe("slow");
    expect(sent.filter((h) => h === "new-dead.example")).toHaveLength(2);
    heads.get("new-dead.example")!.shift()!(false);
    const [first, second, third] = await Promise.all(dead);
    expect((first as Error).message).toBe("connection reset");
    expect((second as Error).message).toBe("connection reset");
    expect(third).toBeInstanceOf(DeliveryDeferredError);
  });

  it("lets go of an accepted delivery's dripping body, so the peer's connection is closed long before the drip ends", async () => {
    let written = 0;
    let closedAfter: number | null = null;
    const total = 60;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(202, { "content-type": "text/plain" });
        const timer = setInterval(() => {
          if (written >= total) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write("a");
          written++;
        }, 300);
        res.on("close", () => {
          clearInterval(timer);
          closedAfter = written;
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const request = new Request(`http://127.0.0.1:${port}/inbox`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/activity+json", signature: 'keyId="https://us.example/actor#main-key",signature="AAAA"' },
      });
      const response = await laneFetch(fetch, new DeliveryLanes({ headTimeoutMs: 5_000 }))(request);
      expect(response.status).toBe(202);
      const deadline = Date.now() + 15_000;
      while (closedAfter === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(closedAfter).not.toBeNull();
      expect(closedAfter!).toBeLessThan(total);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("leaves requests that are not deliveries alone", async () => {
    const { sent, inner } = peers(new Set());
    const lanes = new DeliveryLanes({ headTimeoutMs: 50 });
    await laneFetch(inner, lanes)(new Request("https://peer.example/users/a", { headers: { accept: "application/activity+json" } }));
    expect(sent).toEqual(["peer.example"]);
    expect(lanes.isSlow("peer.example")).toBe(false);
  });
});
