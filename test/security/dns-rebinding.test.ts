// DNS rebinding (Fedify GHSA-r48c-xx2h-fv4g, fixed in 2.3.15, not in our
// registry): a name that answers a public address when Fedify checks it and
// 127.0.0.1 when the connection is made. In production mode every outbound
// connection checks the address it actually opens
// (src/federation/public-connect.ts). fake-dns.ts plays the hostile DNS
// server: the check sees a public address, every connection lands on the
// probe on 127.0.0.1. test/security/ssrf.test.ts shows the same name
// reaching the probe when only Fedify's check runs.
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicOnlyLookup } from "../../src/federation/public-connect.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startPushReceiver } from "../helpers/push-receiver.ts";
import { installFakeDns, uninstallFakeDns } from "./fake-dns.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

const PUBLIC_ADDRESS = "93.184.215.14";
const clientFetch = globalThis.fetch;

let prod: TestInstance;
let probe: HostilePeer;
let relay: HostilePeer;
let olga: TestUser;

async function cachedActors(): Promise<string[]> {
  const rows = await prod.app.ctx.db.selectFrom("actors").select("uri").where("is_local", "=", false).execute();
  return rows.map((r) => r.uri);
}

beforeAll(async () => {
  installFakeDns({ "rebind.test": PUBLIC_ADDRESS, "relay.test": PUBLIC_ADDRESS });
  prod = await startInstance({ allowPrivateAddresses: false, fetchTimeoutMs: 5_000 });
  olga = await prod.user("olga");
  probe = await startHostilePeer();
  probe.handle("/*", (req, res, url) => {
    const id = `http://${req.headers.host}${url.pathname}`;
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.end(JSON.stringify({ "@context": AS_CONTEXT, id, type: "Person", preferredUsername: "probe", inbox: `${id}/inbox` }));
  });
  relay = await startHostilePeer({ hostname: "relay.test" });
  relay.handle("/users/hop", (_req, res) => res.writeHead(302, { location: `http://rebind.test:${probe.port}/users/hopped` }).end());
});

afterAll(async () => {
  await Promise.all([prod?.close(), probe?.close(), relay?.close()]);
  uninstallFakeDns();
});

describe("a name whose check sees a public address and whose connection reaches 127.0.0.1", () => {
  it("is refused when the connection opens: nothing found or cached, the probe never contacted (it is up)", async () => {
    // The probe answers the test itself: a refusal below is not a dead server.
    expect((await clientFetch(`http://127.0.0.1:${probe.port}/users/up`)).status).toBe(200);
    const before = probe.connections();
    for (const q of [`http://rebind.test:${probe.port}/users/rebound`, `${relay.origin}/users/hop`, `@probe@rebind.test:${probe.port}`]) {
      const res = await prod.api(olga.token, "GET", `/api/v2/search?resolve=true&q=${encodeURIComponent(q)}`);
      expect([q, res.status, res.body.accounts]).toEqual([q, 200, []]);
    }
    expect(probe.connections()).toBe(before);
    expect(relay.connections()).toBe(0);
    expect(await cachedActors()).toEqual([]);
  });

  it("covers every outbound request of the process, not only Fedify's (ForgeFed commands use plain fetch)", async () => {
    const before = probe.connections();
    for (const url of [`http://rebind.test:${probe.port}/inbox`, `http://localhost:${probe.port}/inbox`]) {
      const error = await fetch(url, { method: "POST", body: "{}" }).then(
        () => null,
        (e: Error & { cause?: Error }) => e,
      );
      expect([url, error?.cause?.name]).toEqual([url, "PrivateAddressError"]);
    }
    expect(probe.connections()).toBe(before);
  });
});

// docs/security.md, finding 49: an IP literal never reaches a lookup, and
// plain fetches (Web Push endpoints, a redirect's target) never ask Fedify's
// check, so the connector refuses a non-public literal itself.
describe("an IP literal outside the public ranges", () => {
  it("is refused when the connection opens (a redirect's target goes through the same connector)", async () => {
    const before = probe.connections();
    for (const url of [`http://127.0.0.1:${probe.port}/inbox`, `http://[::1]:${probe.port}/inbox`]) {
      const error = await fetch(url, { method: "POST", body: "{}" }).then(
        () => null,
        (e: Error & { cause?: Error }) => e,
      );
      expect([url, error?.cause?.name]).toEqual([url, "PrivateAddressError"]);
    }
    expect(probe.connections()).toBe(before);
    // Control: a public literal is let through to connect (this machine has no
    // route there, so it then fails or times out, but not by our refusal).
    const outcome = await fetch(`http://${PUBLIC_ADDRESS}/inbox`, { signal: AbortSignal.timeout(1_000) }).then(
      () => "answered",
      (e: Error & { cause?: Error }) => e.cause?.name ?? e.name,
    );
    expect(outcome).not.toBe("PrivateAddressError");
  });

  it("is never reached by a Web Push endpoint a user registers", async () => {
    const receiver = await startPushReceiver();
    try {
      const ada = await prod.user("ada", { scopes: "read write follow push" });
      const before = probe.connections();
      const sub = await prod.api(ada.token, "POST", "/api/v1/push/subscription", {
        subscription: { endpoint: `https://127.0.0.1:${probe.port}/internal-admin`, keys: receiver.keys },
        data: { alerts: { mention: true } },
      });
      expect(sub.status).toBeLessThan(300);
      await prod.api(olga.token, "POST", "/api/v1/statuses", { status: "@ada hello" });
      await prod.app.channels.drain();
      expect(probe.connections()).toBe(before);
    } finally {
      await receiver.close();
    }
  });
});

describe("the connection-time lookup itself", () => {
  function lookupWith(answer: string[], all: boolean) {
    const lookup = publicOnlyLookup((_host, _options, callback) =>
      callback(
        null,
        answer.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 })),
      ),
    );
    return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      lookup("peer.example", { all }, (error, address, family) => resolve({ error, address, family })),
    );
  }

  it("passes public answers through (control), in both shapes sockets ask for", async () => {
    expect(await lookupWith([PUBLIC_ADDRESS], false)).toEqual({ error: null, address: PUBLIC_ADDRESS, family: 4 });
    const both = await lookupWith([PUBLIC_ADDRESS, "2606:4700::6810:85e5"], true);
    expect(both.error).toBeNull();
    expect((both.address as LookupAddress[]).map((a) => a.address)).toEqual([PUBLIC_ADDRESS, "2606:4700::6810:85e5"]);
  });

  it("refuses any private, loopback, mapped or translated answer, even beside a public one", async () => {
    for (const bad of ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::1"]) {
      const result = await lookupWith([PUBLIC_ADDRESS, bad], false);
      expect([bad, result.error?.name]).toEqual([bad, "PrivateAddressError"]);
    }
    expect((await lookupWith([], true)).error?.name).toBe("PrivateAddressError");
  });
});
