// Companies across three instances: each admin names their organization; it
// is published on the instance actor, NodeInfo and every Person, learned by
// the peers, labelled there as customer/partner/…, and shown on every actor
// and in "companies in this group" the same way on every instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let adminA: TestUser;
let adminB: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

const AP = { accept: "application/activity+json" };
const ADMIN_SCOPES = "read write follow admin:read admin:write";

async function admin(instance: TestInstance, username: string): Promise<TestUser> {
  const user = await instance.user(username, { scopes: ADMIN_SCOPES });
  await setRole(instance.app.ctx, username, "admin");
  return user;
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  adminA = await admin(a, "boss");
  adminB = await admin(b, "chief");
  alice = await a.user("alice");
  bob = await b.user("bob");
  carol = await c.user("carol");
  const acme = await a.api(adminA.token, "PUT", "/api/ecotone/v1/admin/organization", {
    name: "Acme Corporation",
    shortName: "Acme",
    logoUrl: "https://acme.example/logo.png",
    website: "https://acme.example/",
    description: "Anvils and rockets",
  });
  expect(acme.status).toBe(200);
  await b.api(adminB.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Globex", logoUrl: "https://globex.example/g.png" });
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("our organization", () => {
  it("is public, and only an admin changes it; bad input is refused and changes nothing", async () => {
    const pub = await a.api(null, "GET", "/api/ecotone/v1/organization");
    expect(pub.body).toMatchObject({ name: "Acme Corporation", shortName: "Acme", domain: a.host, logoUrl: "https://acme.example/logo.png" });

    expect((await a.api(alice.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Hijacked" })).status).toBe(403);
    const bad = await a.api(adminA.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Acme", logoUrl: "javascript:alert(1)" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("logoUrl");
    expect((await a.api(adminA.token, "PUT", "/api/ecotone/v1/admin/organization", { shortName: "A" })).status).toBe(422);
    expect((await a.api(null, "GET", "/api/ecotone/v1/organization")).body.name).toBe("Acme Corporation");
  });

  it("is published on the instance actor, in NodeInfo and on every local Person", async () => {
    const instance = await (await fetch(`${a.origin}/users/__instance__`, { headers: AP })).json();
    expect(instance).toMatchObject({ type: "Application", name: "Acme Corporation", url: "https://acme.example/" });
    expect(instance.icon.url).toBe("https://acme.example/logo.png");

    const nodeinfo = await (await fetch(`${a.origin}/nodeinfo/2.1`)).json();
    expect(nodeinfo.metadata.organization).toMatchObject({
      name: "Acme Corporation",
      website: "https://acme.example/",
      actor: `${a.origin}/users/__instance__`,
    });

    const person = await (await fetch(alice.uri, { headers: AP })).json();
    const field = [person.attachment].flat().find((p: { name: string }) => p.name === "Organization");
    expect(field.type).toBe("PropertyValue");
    expect(field.value).toContain('href="https://acme.example/"');
    expect(field.value).toContain("Acme Corporation");
    expect(person.organization).toBe(`${a.origin}/users/__instance__`);
    expect(JSON.stringify(person["@context"])).toContain("https://ecotone.social/ns#");
  });
});

describe("organizations of other instances", () => {
  it("are learned by peers and shown on every actor the API returns, with this instance's label", async () => {
    const lookup = async () => (await b.api(bob.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(alice.handle)}`)).body;
    await eventually(async () => (await lookup()).organization.name === "Acme Corporation");
    expect((await lookup()).organization).toEqual({ name: "Acme Corporation", domain: a.host, logoUrl: "https://acme.example/logo.png", relationship: null });
    expect((await lookup()).audience).toBe("other");
    const me = await b.api(bob.token, "GET", "/api/ecotone/v1/me");
    expect(me.body.organization).toEqual({ name: "Globex", domain: b.host, logoUrl: "https://globex.example/g.png", relationship: "self" });
    expect(me.body.audience).toBe("employee");
  });

  it("are learned again when the peer's admin renames theirs (on request, or once stale)", async () => {
    await a.api(adminA.token, "PUT", "/api/ecotone/v1/admin/organization", {
      name: "Acme Corporation",
      shortName: "Acme",
      logoUrl: "https://acme.example/logo2.png",
      website: "https://acme.example/",
    });
    const refreshed = await b.api(adminB.token, "POST", `/api/ecotone/v1/admin/partners/${a.host}/refresh`);
    expect(refreshed.body.organization.logoUrl).toBe("https://acme.example/logo2.png");
    expect((await b.api(bob.token, "POST", `/api/ecotone/v1/admin/partners/${a.host}/refresh`)).status).toBe(403);
    await a.api(adminA.token, "PUT", "/api/ecotone/v1/admin/organization", {
      name: "Acme Corporation",
      shortName: "Acme",
      logoUrl: "https://acme.example/logo.png",
      website: "https://acme.example/",
      description: "Anvils and rockets",
    });
    await b.api(adminB.token, "POST", `/api/ecotone/v1/admin/partners/${a.host}/refresh`);
  });

  it("get a relationship and a policy from the admin; their people inherit it as their audience", async () => {
    expect((await b.api(bob.token, "PUT", `/api/ecotone/v1/admin/partners/${a.host}`, { relationship: "customer" })).status).toBe(403);
    const bad = await b.api(adminB.token, "PUT", `/api/ecotone/v1/admin/partners/${a.host}`, { relationship: "friend", policy: "allow" });
    expect(bad.status).toBe(422);
    expect((await b.api(adminB.token, "GET", `/api/ecotone/v1/admin/partners/${a.host}`)).body).toMatchObject({ relationship: null, policy: "allow" });

    const set = await b.api(adminB.token, "PUT", `/api/ecotone/v1/admin/partners/${a.host}`, { relationship: "customer", policy: "limited" });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ domain: a.host, relationship: "customer", policy: "limited", organization: { name: "Acme Corporation" } });
    const list = await b.api(adminB.token, "GET", "/api/ecotone/v1/admin/partners");
    expect(list.body.items.map((p: { domain: string }) => p.domain)).toContain(a.host);

    const lookup = await b.api(bob.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(alice.handle)}`);
    expect(lookup.body.organization.relationship).toBe("customer");
    expect(lookup.body.audience).toBe("customer");

    // One person overridden by the admin; the rest keep the inherited segment.
    const override = await b.api(adminB.token, "PUT", `/api/ecotone/v1/admin/audiences/${encodeURIComponent(alice.handle)}`, { audience: "partner" });
    expect(override.body.audience).toBe("partner");
    expect((await b.api(bob.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(alice.handle)}`)).body.audience).toBe("partner");
    expect((await b.api(adminB.token, "PUT", `/api/ecotone/v1/admin/audiences/${encodeURIComponent(bob.handle)}`, { audience: "partner" })).status).toBe(422);
  });

  it("a limited partner federates, but its people wait for a moderator to join our open groups", async () => {
    await b.api(bob.token, "POST", "/api/ecotone/v1/groups", { slug: "suppliers-club", visibility: "public", joinPolicy: "open" });
    const join = await a.api(alice.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@suppliers-club@${b.host}`)}/join`);
    expect(join.status).toBe(202);
    const pending = await eventually(async () => {
      const res = await b.api(bob.token, "GET", "/api/ecotone/v1/groups/suppliers-club/members?state=pending");
      return res.body.items.length === 1 ? res.body.items : null;
    });
    expect(pending[0].actor.handle).toBe(alice.handle);
  });
});

describe("companies in a group", () => {
  it("lists each organization with its member count, the same on the home and on a member's instance", async () => {
    await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "community", visibility: "members_only", joinPolicy: "open" });
    const ref = encodeURIComponent(`@community@${a.host}`);
    for (const [instance, user] of [
      [b, bob],
      [c, carol],
    ] as const) {
      await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${ref}/join`);
      await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${ref}`)).body.membership?.state === "accepted");
    }
    const summary = (items: Array<{ organization: { domain: string; name: string }; memberCount: number }>) =>
      items.map((i) => `${i.organization.domain}=${i.memberCount}`).sort();
    const expected = [`${a.host}=1`, `${b.host}=1`, `${c.host}=1`].sort();

    const home = await a.api(alice.token, "GET", "/api/ecotone/v1/groups/community/organizations");
    expect(summary(home.body)).toEqual(expected);
    expect(home.body.find((i: { organization: { domain: string } }) => i.organization.domain === a.host).organization.relationship).toBe("self");
    // Carol's instance met only Alice and Carol, but asks the home for the whole list.
    const onC = await c.api(carol.token, "GET", `/api/ecotone/v1/groups/${ref}/organizations`);
    expect(summary(onC.body)).toEqual(expected);
    const onB = await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${ref}/organizations`);
    expect(onB.body.find((i: { organization: { domain: string } }) => i.organization.domain === a.host).organization).toMatchObject({
      name: "Acme Corporation",
      relationship: "customer",
    });
    // The visibility shown is the home's, not a guess.
    expect((await c.api(carol.token, "GET", `/api/ecotone/v1/groups/${ref}`)).body.visibility).toBe("members_only");
    // And the member list is the home's, on every member's instance.
    const handles = (res: { body: { items: Array<{ actor: { handle: string } }> } }) => res.body.items.map((m) => m.actor.handle).sort();
    const homeMembers = handles(await a.api(alice.token, "GET", "/api/ecotone/v1/groups/community/members"));
    expect(homeMembers).toEqual([alice.handle, bob.handle, carol.handle].sort());
    expect(handles(await c.api(carol.token, "GET", `/api/ecotone/v1/groups/${ref}/members`))).toEqual(homeMembers);
    expect(handles(await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${ref}/members`))).toEqual(homeMembers);
    // Outsiders learn nothing about a members-only group's companies.
    const stranger = await c.user("stranger");
    expect((await c.api(stranger.token, "GET", `/api/ecotone/v1/groups/${ref}/organizations`)).status).toBe(404);
  });
});

describe("the audit log", () => {
  it("records admin actions, filters them, and exports CSV; members cannot read it", async () => {
    const all = await b.api(adminB.token, "GET", "/api/ecotone/v1/admin/audit");
    const actions = all.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["organization.updated", "partner.updated", "person.audience_set"]));
    const partner = await b.api(adminB.token, "GET", `/api/ecotone/v1/admin/audit?action=partner&target=${encodeURIComponent(a.host)}`);
    expect(partner.body.items).toHaveLength(1);
    expect(partner.body.items[0]).toMatchObject({ actor: adminB.handle, instance: b.host, action: "partner.updated", target: a.host });
    const future = await b.api(adminB.token, "GET", "/api/ecotone/v1/admin/audit?since=2999-01-01");
    expect(future.body.items).toHaveLength(0);
    expect((await b.api(adminB.token, "GET", "/api/ecotone/v1/admin/audit?since=yesterday")).status).toBe(422);

    const csv = await fetch(`${b.origin}/api/ecotone/v1/admin/audit?format=csv&action=partner.updated`, {
      headers: { authorization: `Bearer ${adminB.token}` },
    });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("at,actor,instance,action,target,groupId,details");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"partner.updated","${a.host}"`);

    expect((await b.api(bob.token, "GET", "/api/ecotone/v1/admin/audit")).status).toBe(403);
  });
});
