// When our organization changes, peers hear of it at once: an Update of the
// instance actor to every instance we know (they refetch the organization),
// and an Update of each local Person, whose profile names the organization.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let boss: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  boss = await a.user("boss", { scopes: "read write follow admin:read admin:write" });
  await setRole(a.app.ctx, "boss", "admin");
  alice = await a.user("alice");
  bob = await b.user("bob");
  await a.api(boss.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Acme", website: "https://acme.example/" });
  // B meets A (bob follows alice): A now knows B as a peer.
  expect((await b.api(bob.token, "POST", "/api/ecotone/v1/follows", { target: alice.handle })).status).toBeLessThan(300);
  await eventually(async () => {
    const res = await a.api(null, "GET", "/api/ecotone/v1/users/alice/followers");
    return JSON.stringify(res.body).includes(bob.handle);
  });
  await eventually(
    async () => (await b.api(bob.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(alice.handle)}`)).body.organization?.name === "Acme",
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("a changed organization reaches peers", () => {
  it("is shown on the peer without a refresh, on the organization and on our people's profiles", async () => {
    const changed = await a.api(boss.token, "PUT", "/api/ecotone/v1/admin/organization", {
      name: "Acme Rockets",
      logoUrl: "https://acme.example/rocket.png",
      website: "https://rockets.acme.example/",
    });
    expect(changed.status).toBe(200);
    const lookup = async () => (await b.api(bob.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(alice.handle)}`)).body;
    await eventually(async () => (await lookup()).organization.name === "Acme Rockets", 30_000);
    expect((await lookup()).organization).toMatchObject({ name: "Acme Rockets", domain: a.host, logoUrl: "https://acme.example/rocket.png" });
    // Alice's copy on B: her "Organization" profile field (as Mastodon apps read it) names it anew.
    const account = async () => (await b.api(bob.token, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(alice.handle.replace(/^@/, ""))}`)).body;
    await eventually(
      async () => (await account()).fields?.some((f: { name: string; value: string }) => f.name === "Organization" && f.value.includes("Acme Rockets")),
      30_000,
    );
  }, 90_000);

  it("changes nothing on the peer when the admin's input is refused", async () => {
    const bad = await a.api(boss.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Hijack", website: "javascript:alert(1)" });
    expect(bad.status).toBe(422);
    const partner = await b.app.ctx.db.selectFrom("organizations").select("name").where("domain", "=", a.host).executeTakeFirst();
    expect(partner?.name).toBe("Acme Rockets");
  });
});
