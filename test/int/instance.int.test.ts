// One instance over HTTP: discovery (WebFinger, NodeInfo, host-meta), actor
// documents with both keys, health, and the HTML page browsers get.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let instance: TestInstance;
let alice: TestUser;

beforeAll(async () => {
  instance = await startInstance();
  alice = await instance.user("alice");
});

afterAll(async () => {
  await instance?.close();
});

const AP = { accept: "application/activity+json" };

describe("discovery", () => {
  it("resolves acct:alice@host:port through WebFinger", async () => {
    const resource = `acct:alice@${instance.host}`;
    const res = await fetch(`${instance.origin}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
    expect(res.status).toBe(200);
    const jrd = await res.json();
    expect(jrd.subject).toBe(resource);
    const self = jrd.links.find((l: { rel: string }) => l.rel === "self");
    expect(self.href).toBe(alice.uri);
    expect(self.type).toBe("application/activity+json");
  });

  it("answers 404 for an unknown account", async () => {
    const res = await fetch(`${instance.origin}/.well-known/webfinger?resource=acct:nobody@${instance.host}`);
    expect(res.status).toBe(404);
  });

  it("serves NodeInfo 2.1 with the software name and real user counts", async () => {
    const links = await (await fetch(`${instance.origin}/.well-known/nodeinfo`)).json();
    const href = links.links.find((l: { rel: string }) => l.rel.endsWith("/2.1")).href;
    const info = await (await fetch(href)).json();
    expect(info.software.name).toBe("ecotone");
    expect(info.protocols).toEqual(["activitypub"]);
    expect(info.usage.users.total).toBe(1);
    await instance.user("bob");
    const again = await (await fetch(href)).json();
    expect(again.usage.users.total).toBe(2);
  });

  it("serves host-meta pointing at WebFinger", async () => {
    const res = await fetch(`${instance.origin}/.well-known/host-meta`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`${instance.origin}/.well-known/webfinger?resource={uri}`);
  });
});

describe("actor documents", () => {
  it("carry inbox, outbox, collections, shared inbox, an RSA publicKey and two Multikeys", async () => {
    const res = await fetch(alice.uri, { headers: AP });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("json");
    const actor = await res.json();
    expect(actor.type).toBe("Person");
    expect(actor.id).toBe(alice.uri);
    expect(actor.preferredUsername).toBe("alice");
    expect(actor.inbox).toBe(`${alice.uri}/inbox`);
    expect(actor.outbox).toBe(`${alice.uri}/outbox`);
    expect(actor.followers).toBe(`${alice.uri}/followers`);
    expect(actor.following).toBe(`${alice.uri}/following`);
    expect(actor.endpoints.sharedInbox).toBe(`${instance.origin}/inbox`);
    expect(actor.url).toBe(alice.uri);
    expect(actor.publicKey.owner).toBe(alice.uri);
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const methods = [actor.assertionMethod].flat();
    expect(methods).toHaveLength(2);
    const multibase = methods.map((m: { publicKeyMultibase: string }) => m.publicKeyMultibase);
    // z4MX… is an RSA key, z6Mk… an Ed25519 key (multicodec prefixes).
    expect(multibase.some((k: string) => k.startsWith("z4MX"))).toBe(true);
    expect(multibase.some((k: string) => k.startsWith("z6Mk"))).toBe(true);
  });

  it("keeps the same keys across requests", async () => {
    const first = await (await fetch(alice.uri, { headers: AP })).json();
    const second = await (await fetch(alice.uri, { headers: AP })).json();
    expect(second.publicKey.publicKeyPem).toBe(first.publicKey.publicKeyPem);
  });

  it("serves the instance's Application actor", async () => {
    const res = await fetch(`${instance.origin}/users/__instance__`, { headers: AP });
    expect(res.status).toBe(200);
    const actor = await res.json();
    expect(actor.type).toBe("Application");
    expect(actor.publicKey).toBeDefined();
  });

  it("gives a browser a plain HTML profile page, with the bio escaped", async () => {
    await instance.api(null, "GET", "/");
    const res = await fetch(alice.uri, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain(`@alice@${instance.host}`);
  });

  it("answers 404 for an unknown actor", async () => {
    const res = await fetch(`${instance.origin}/users/nobody`, { headers: AP });
    expect(res.status).toBe(404);
  });
});

describe("operations", () => {
  it("reports health", async () => {
    const res = await instance.api(null, "GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });

  it("refuses API calls without a token, and with a bad one", async () => {
    expect((await instance.api(null, "GET", "/api/ecotone/v1/me")).status).toBe(401);
    const bad = await instance.api("not-a-token", "GET", "/api/ecotone/v1/me");
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe("unauthorized");
  });

  it("answers the signed-in user", async () => {
    const res = await instance.api(alice.token, "GET", "/api/ecotone/v1/me");
    expect(res.status).toBe(200);
    expect(res.body.handle).toBe(`@alice@${instance.host}`);
  });

  it("rejects malformed JSON with a clear 400", async () => {
    const res = await fetch(`${instance.origin}/api/ecotone/v1/follows`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("validation_failed");
  });
});
