// Instance federation policy: in allowlist mode, a listed partner federates
// and an unlisted instance is refused both ways; a blocked one too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowHost, blockHost, setFederationMode } from "../../src/services/organizations/federation-policy.service.ts";
import { eventually, startInstances, type TestInstance } from "../helpers/instances.ts";

let a: TestInstance;
let partner: TestInstance;
let stranger: TestInstance;

beforeAll(async () => {
  [a, partner, stranger] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  await setFederationMode(a.app.ctx, "allowlist");
  await allowHost(a.app.ctx, partner.host);
});

afterAll(async () => {
  await Promise.all([a?.close(), partner?.close(), stranger?.close()]);
});

async function followers(instance: TestInstance, username: string): Promise<string[]> {
  const res = await instance.api(null, "GET", `/api/ecotone/v1/users/${username}/followers`);
  return res.body.items.map((i: { actor: { handle: string } }) => i.actor.handle);
}

describe("allowlist", () => {
  it("lets a listed partner federate", async () => {
    const alice = await a.user("alice");
    const pat = await partner.user("pat");
    const res = await partner.api(pat.token, "POST", "/api/ecotone/v1/follows", { target: alice.handle });
    expect(res.status).toBe(202);
    await eventually(async () => (await followers(a, "alice")).includes(pat.handle));
  });

  it("refuses an unlisted instance's deliveries with 403 and stores nothing", async () => {
    const bob = await a.user("bob");
    const sam = await stranger.user("sam");
    const res = await stranger.api(sam.token, "POST", "/api/ecotone/v1/follows", { target: bob.handle });
    expect(res.status).toBe(202); // the stranger's own instance accepted the request…
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await followers(a, "bob")).toEqual([]); // …but A refused the Follow.
    const cached = await a.app.ctx.db.selectFrom("actors").select("uri").where("domain", "=", stranger.host).execute();
    expect(cached).toEqual([]);
  });

  it("refuses to reach out to an unlisted instance", async () => {
    const carol = await a.user("carol");
    const tom = await stranger.user("tom");
    const res = await a.api(carol.token, "POST", "/api/ecotone/v1/follows", { target: tom.handle });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(stranger.host);
    expect(stranger.app.stats.inboxPosts).toBe(0);
  });

  it("a blocked host is refused even in open mode", async () => {
    await setFederationMode(a.app.ctx, "open");
    await blockHost(a.app.ctx, stranger.host);
    const dan = await a.user("dan");
    const zed = await stranger.user("zed");
    const res = await stranger.api(zed.token, "POST", "/api/ecotone/v1/follows", { target: dan.handle });
    expect(res.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await followers(a, "dan")).toEqual([]);
    expect((await a.api(dan.token, "POST", "/api/ecotone/v1/follows", { target: zed.handle })).status).toBe(403);
  });
});
