// Issue 7: server-side request forgery in production mode
// (ECOTONE_ALLOW_PRIVATE_ADDRESSES off, the default on an https origin).
//
// A "probe" server on 127.0.0.1 and [::1] answers every path with a valid
// actor, so a fetch that got through would both reach it (it counts
// connections, TLS attempts included) and get an actor cached. fake-dns.ts
// makes names like `ten.test` resolve to 10.1.2.3 for the address check while
// any connection to them lands on the probe: each private range is proven
// refused *before* a connection, without needing those networks. A control
// name resolving to a public address shows the probe is reachable at all.
//
// Two layers refuse private addresses in production: Fedify's check of the
// URL before it fetches, and our check of the address each connection
// actually opens (src/federation/public-connect.ts). This file tests the
// first on its own, so the second is switched off for this process below;
// test/security/dns-rebinding.test.ts tests the second.
//
// Covered elsewhere: a loopback actor URL through the Ecotone follow API and
// the plain-http WebFinger shortcut (test/federation/outbound-limits.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { installFakeDns, uninstallFakeDns } from "./fake-dns.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";
import { installFetchGuard } from "../../src/federation/fetch-guard.ts";

// Connection-time check off in this process (any instance allowing private
// addresses turns it off): what follows is Fedify's check alone.
installFetchGuard({ timeoutMs: 10_000, maxBytes: 2 * 1024 * 1024, allowPrivateAddresses: true });

const PUBLIC_ADDRESS = "93.184.215.14";

const PRIVATE_NAMES: Record<string, string | string[]> = {
  "ten.test": "10.1.2.3",
  "rfc1918-172.test": "172.16.0.5",
  "rfc1918-172-top.test": "172.31.255.254",
  "rfc1918-192.test": "192.168.1.1",
  "loopback.test": "127.9.9.9",
  "link-local.test": "169.254.169.254",
  "unspecified.test": "0.0.0.0",
  "v6-loopback.test": "::1",
  "v6-link-local.test": "fe80::1",
  "v6-ula-fd.test": "fd12:3456:789a::1",
  "v6-ula-fc.test": "fc00::1",
  "v4-mapped.test": "::ffff:127.0.0.1",
  "v4-mapped-ten.test": "::ffff:10.0.0.1",
  // One public and one private answer: refused, a client may pick either.
  "mixed.test": [PUBLIC_ADDRESS, "10.0.0.1"],
};

let prod: TestInstance;
let probe: HostilePeer;
let relay: HostilePeer;
let olga: TestUser;

async function search(q: string) {
  const res = await prod.api(olga.token, "GET", `/api/v2/search?resolve=true&q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body as { accounts: unknown[]; statuses: unknown[] };
}

async function cachedActors(): Promise<string[]> {
  const rows = await prod.app.ctx.db.selectFrom("actors").select("uri").where("is_local", "=", false).execute();
  return rows.map((r) => r.uri);
}

/** Looks `q` up and checks: nothing found, nothing cached, the probe never contacted. */
async function expectRefused(q: string) {
  const before = { connections: probe.connections(), cached: await cachedActors() };
  const found = await search(q);
  expect([q, found.accounts, found.statuses]).toEqual([q, [], []]);
  expect([q, probe.connections() - before.connections]).toEqual([q, 0]);
  expect(await cachedActors()).toEqual(before.cached);
}

beforeAll(async () => {
  installFakeDns({ ...PRIVATE_NAMES, "public.test": PUBLIC_ADDRESS, "relay.test": PUBLIC_ADDRESS });
  // As on an https origin in production; a short deadline keeps a failure
  // (a connection attempt to an unroutable address) from hanging the suite.
  prod = await startInstance({ allowPrivateAddresses: false, fetchTimeoutMs: 5_000 });
  olga = await prod.user("olga");
  probe = await startHostilePeer({ alsoIPv6: true });
  // Any path on the probe is an actor whose id is the URL it was asked for.
  probe.handle("/*", (req, res, url) => {
    const id = `http://${req.headers.host}${url.pathname}`;
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.end(JSON.stringify({ "@context": AS_CONTEXT, id, type: "Person", preferredUsername: "probe", inbox: `${id}/inbox` }));
  });
  relay = await startHostilePeer({ hostname: "relay.test" });
});

afterAll(async () => {
  await Promise.all([prod?.close(), probe?.close(), relay?.close()]);
  uninstallFakeDns();
});

describe("control, and the DNS-rebinding gap it shows", () => {
  // The check sees a public address, the connection lands on 127.0.0.1: the
  // probe is reachable, so the refusals below are real. This is also exactly
  // a DNS-rebinding attack (a name that answers differently to the check and
  // to the connection), which Fedify's check alone cannot stop; the
  // connection-time check, off here, refuses it (dns-rebinding.test.ts).
  it("reaches the probe through a name that resolves to a public address", async () => {
    const before = probe.connections();
    const found = await search(`http://public.test:${probe.port}/users/control`);
    expect(found.accounts).toHaveLength(1);
    expect(probe.connections()).toBeGreaterThan(before);
    expect(await cachedActors()).toContain(`http://public.test:${probe.port}/users/control`);
  });
});

describe("actor fetches (search with resolve=true)", () => {
  it("refuses IP literals that reach this machine: 127/8, ::1, 0.0.0.0, ::ffff:127.0.0.1, and their spellings", async () => {
    const port = probe.port;
    for (const host of ["127.0.0.1", "[::1]", "0.0.0.0", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "2130706433", "0x7f.1", "127.1", "localhost", "LOCALHOST"]) {
      await expectRefused(`http://${host}:${port}/users/literal`);
    }
  });

  it("refuses IP literals in the private, link-local and ULA ranges", async () => {
    // Nothing listens there for the probe to notice; instead, a refusal is
    // immediate, where an attempt would wait for the 5 s deadline.
    for (const host of ["10.0.0.1", "172.16.0.1", "172.31.0.1", "192.168.0.1", "169.254.169.254", "[fe80::1]", "[fd00::1]", "[fc00::1]"]) {
      const started = Date.now();
      await expectRefused(`http://${host}/users/literal`);
      expect([host, Date.now() - started < 2_500]).toEqual([host, true]);
    }
  });

  it("refuses host names that resolve to any private address", async () => {
    for (const name of Object.keys(PRIVATE_NAMES)) await expectRefused(`http://${name}:${probe.port}/users/named`);
  });

  it("refuses a redirect from an allowed host to a private one", async () => {
    const targets = [
      `http://ten.test:${probe.port}/users/redirected`,
      `http://127.0.0.1:${probe.port}/users/redirected`,
      `http://localhost:${probe.port}/users/redirected`,
      `http://[::1]:${probe.port}/users/redirected`,
    ];
    targets.forEach((target, i) => {
      relay.handle(`/users/hop${i}`, (_req, res) => {
        res.writeHead(302, { location: target }).end();
      });
    });
    for (const i of targets.keys()) {
      const hitsBefore = relay.hits.length;
      await expectRefused(`${relay.origin}/users/hop${i}`);
      // The first hop was made (the host is allowed); the second never was.
      expect(relay.hits.length).toBeGreaterThan(hitsBefore);
    }
  });
});

describe("WebFinger", () => {
  it("refuses handles on private hosts before connecting", async () => {
    const port = probe.port;
    const handles = [
      `probe@ten.test:${port}`,
      `probe@link-local.test:${port}`,
      `probe@v6-ula-fd.test:${port}`,
      `probe@localhost:${port}`,
      `probe@127.0.0.1:${port}`,
      `probe@[::1]:${port}`,
    ];
    for (const handle of handles) {
      await expectRefused(`@${handle}`);
      const follow = await prod.api(olga.token, "POST", "/api/ecotone/v1/follows", { target: `@${handle}` });
      expect([handle, follow.status]).toEqual([handle, 404]);
    }
    expect(await prod.app.ctx.db.selectFrom("follows").select("id").execute()).toEqual([]);
  });
});

describe("media", () => {
  it("never fetches a post's attachments or an actor's icon on the server", async () => {
    // mallory is on a "public" host; her icon and the post's images point at
    // the probe by every private spelling.
    const port = probe.port;
    const privateUrls = [
      `http://127.0.0.1:${port}/media/a.png`,
      `http://ten.test:${port}/media/b.png`,
      `http://[::1]:${port}/media/c.png`,
      `http://localhost:${port}/media/d.png`,
    ];
    const mallory = await relay.addActor("mallory", { icon: `http://127.0.0.1:${port}/media/icon-ref`, image: { type: "Image", url: privateUrls[1] } });
    const group = await prod.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "photos", visibility: "public", joinPolicy: "open" });
    expect(group.status).toBe(201);
    const groupUri = group.body.actor.uri as string;
    const before = probe.connections();

    const follow = await relay.post(
      `${prod.origin}/users/photos/inbox`,
      { "@context": AS_CONTEXT, id: `${relay.origin}/f/1`, type: "Follow", actor: mallory.uri, object: groupUri },
      mallory.keyId,
    );
    expect(follow.status).toBe(202);
    await eventually(async () => {
      const members = await prod.api(olga.token, "GET", "/api/ecotone/v1/groups/photos/members");
      return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === mallory.uri);
    });
    const noteUri = `${relay.origin}/notes/photos-1`;
    const create = await relay.post(
      `${prod.origin}/users/photos/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${noteUri}/activity`,
        type: "Create",
        actor: mallory.uri,
        to: ["https://www.w3.org/ns/activitystreams#Public"],
        cc: [groupUri],
        object: {
          id: noteUri,
          type: "Note",
          attributedTo: mallory.uri,
          to: ["https://www.w3.org/ns/activitystreams#Public"],
          cc: [groupUri],
          content: "<p>holiday pictures</p>",
          attachment: privateUrls.map((url) => ({ type: "Document", mediaType: "image/png", url })),
        },
      },
      mallory.keyId,
    );
    expect(create.status).toBe(202);
    const post = await eventually(async () => prod.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", noteUri).executeTakeFirst());
    // Reading the post and the account through the API fetches nothing either.
    const status = await prod.api(olga.token, "GET", `/api/v1/statuses/${post!.id}`);
    expect(status.status).toBe(200);
    expect(status.body.media_attachments).toHaveLength(privateUrls.length);
    const account = await prod.api(olga.token, "GET", `/api/v1/accounts/${status.body.account.id}`);
    expect(account.status).toBe(200);
    // The icon was a bare link (Fedify would fetch it as a document): refused.
    expect(account.body.avatar).not.toContain(`:${port}/media/icon-ref`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probe.connections() - before).toBe(0);
  });
});
