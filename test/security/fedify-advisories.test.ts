// Fedify's 2025–2026 advisories, checked against what we run (Fedify 2.3.8,
// @fedify/vocab-runtime 2.3.6). Those fixed after 2.3.8, with no release in
// the registry, are guarded in src/federation/fetch-guard.ts; those fixed
// before are checked here so an accidental downgrade would show. Every case
// has its honest twin in the same test. The full list, with what became of
// each advisory, is in docs/security.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { installFakeDns, uninstallFakeDns } from "./fake-dns.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let dev: TestInstance;
let prod: TestInstance;
let home: HostilePeer;
let elsewhere: HostilePeer;
let olga: TestUser;
let olgaProd: TestUser;

function actor(id: string, name: string) {
  return { "@context": AS_CONTEXT, id, type: "Person", preferredUsername: name, inbox: `${id}/inbox` };
}

async function search(instance: TestInstance, token: string, q: string) {
  const res = await instance.api(token, "GET", `/api/v2/search?resolve=true&q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body as { accounts: Array<{ url: string }> };
}

async function cached(instance: TestInstance, uri: string): Promise<boolean> {
  return (await instance.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", uri).executeTakeFirst()) !== undefined;
}

function hitsOn(peer: HostilePeer, ...paths: string[]): number {
  return peer.hits.filter((h) => paths.includes(h.path)).length;
}

beforeAll(async () => {
  // Names whose check answers a special-use IPv6 address (connections would land on 127.0.0.1).
  installFakeDns({
    "nat64-loopback.test": "64:ff9b::7f00:1",
    "nat64-private.test": "64:ff9b::a00:1",
    "nat64-local.test": "64:ff9b:1::a00:1",
    "teredo.test": "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "sixtofour.test": "2002:7f00:1::1",
    "mapped.test": "::ffff:127.0.0.1",
    "compatible.test": "::7f00:1",
  });
  dev = await startInstance();
  prod = await startInstance({ allowPrivateAddresses: false, fetchTimeoutMs: 5_000 });
  olga = await dev.user("olga");
  olgaProd = await prod.user("olga");
  home = await startHostilePeer();
  elsewhere = await startHostilePeer();
});

afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close(), home?.close(), elsewhere?.close()]);
  uninstallFakeDns();
});

describe("GHSA-8863-8468-7hq7 (fixed in 2.3.14): an actor id that redirects to another origin", () => {
  it("does not take the other origin's document for the actor; a same-origin redirect still works", async () => {
    const impostor = `${elsewhere.origin}/users/impostor`;
    elsewhere.serve("/users/impostor", actor(impostor, "impostor"));
    home.handle("/users/victim", (_req, res) => res.writeHead(302, { location: impostor }).end());
    const found = await search(dev, olga.token, `${home.origin}/users/victim`);
    expect(found.accounts).toEqual([]);
    expect(await cached(dev, impostor)).toBe(false);
    expect(await cached(dev, `${home.origin}/users/victim`)).toBe(false);
    expect(hitsOn(elsewhere, "/users/impostor")).toBe(0);

    const carol = `${home.origin}/users/carol`;
    home.serve("/users/carol", actor(carol, "carol"));
    home.handle("/@carol", (_req, res) => res.writeHead(301, { location: "/users/carol" }).end());
    const honest = await search(dev, olga.token, `${home.origin}/@carol`);
    expect(honest.accounts.map((a) => a.url)).toEqual([carol]);
    expect(await cached(dev, carol)).toBe(true);
  });
});

describe("GHSA-97w4-f4rq-mgqm (fixed in 2.3.10): alternate documents that name each other", () => {
  const page = (alternate: string) =>
    `<!doctype html><html><head><link rel="alternate" type="application/activity+json" href="${alternate}"></head><body>profile</body></html>`;

  it("follows one alternate hop, not an endless chain through HTML or Link headers; a profile page with an alternate still resolves", async () => {
    home.serve("/loop/a", page("/loop/b"), { contentType: "text/html" });
    home.serve("/loop/b", page("/loop/a"), { contentType: "text/html" });
    home.serve("/link/c", "see the Link header", {
      contentType: "text/plain",
      headers: { link: '</link/d>; rel="alternate"; type="application/activity+json"' },
    });
    home.serve("/link/d", "see the Link header", {
      contentType: "text/plain",
      headers: { link: '</link/c>; rel="alternate"; type="application/activity+json"' },
    });
    for (const [start, pair] of [
      ["/loop/a", ["/loop/a", "/loop/b"]],
      ["/link/c", ["/link/c", "/link/d"]],
    ] as const) {
      const started = Date.now();
      const found = await search(dev, olga.token, `${home.origin}${start}`);
      expect(found.accounts).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
      // Two hops per lookup (the search looks up an account and a post);
      // before the guard, the two pages were fetched until the test timed out.
      expect(hitsOn(home, ...pair)).toBeLessThanOrEqual(8);
    }

    const dana = `${home.origin}/users/dana`;
    home.serve("/users/dana", actor(dana, "dana"));
    home.serve("/profiles/dana", page("/users/dana"), { contentType: "text/html" });
    const honest = await search(dev, olga.token, `${home.origin}/profiles/dana`);
    expect(honest.accounts.map((a) => a.url)).toEqual([dana]);
  });
});

describe("CVE-2026-50131 (fixed before 2.3.8): special-use IPv6 ranges in production mode", () => {
  it("refuses NAT64, Teredo, 6to4, IPv4-mapped and IPv4-compatible addresses, as literals and by name", async () => {
    const targets = [
      "http://[64:ff9b::7f00:1]/users/x",
      "http://[64:ff9b::a00:1]/users/x",
      "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/users/x",
      "http://[2002:7f00:1::1]/users/x",
      "http://[::ffff:127.0.0.1]/users/x",
      "http://[::7f00:1]/users/x",
      ...["nat64-loopback", "nat64-private", "nat64-local", "teredo", "sixtofour", "mapped", "compatible"].map((n) => `http://${n}.test:${home.port}/users/x`),
    ];
    const hitsBefore = home.hits.length;
    for (const target of targets) {
      const started = Date.now();
      const found = await search(prod, olgaProd.token, target);
      expect([target, found.accounts]).toEqual([target, []]);
      expect([target, Date.now() - started < 2_500]).toEqual([target, true]);
      expect(await cached(prod, target)).toBe(false);
    }
    expect(home.hits.length).toBe(hitsBefore);
    // Control: the same lookup on the development instance reaches the peer.
    const erin = `${home.origin}/users/erin`;
    home.serve("/users/erin", actor(erin, "erin"));
    expect((await search(dev, olga.token, erin)).accounts.map((a) => a.url)).toEqual([erin]);
  });
});
