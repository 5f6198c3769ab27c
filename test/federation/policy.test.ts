// Instance federation policy: in allowlist mode, a listed partner federates
// and an unlisted instance is refused both ways (its deliveries and its signed
// reads); a blocked one too, even for deliveries queued before the block.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowHost, blockHost, setFederationMode } from "../../src/services/organizations/federation-policy.service.ts";
import { eventually, startInstances, type TestInstance } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer } from "../security/hostile-peer.ts";

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
    // The stranger's instance cannot even read Bob's profile: A refuses its signed reads…
    const res = await stranger.api(sam.token, "POST", "/api/ecotone/v1/follows", { target: bob.handle });
    expect(res.status).toBe(404);
    // …and a signed delivery from an unlisted server is refused with 403 before its body is read.
    const peer = await startHostilePeer();
    try {
      const mallory = await peer.addActor("mallory");
      const follow = { "@context": AS_CONTEXT, id: `${peer.origin}/follows/1`, type: "Follow", actor: mallory.uri, object: bob.uri };
      const refused = await peer.post(`${a.origin}/users/bob/inbox`, follow, mallory.keyId);
      expect(refused.status).toBe(403);
    } finally {
      await peer.close();
    }
    expect(await followers(a, "bob")).toEqual([]);
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
    // Its instance cannot read Dan's profile by a signed GET, so it cannot even ask.
    const res = await stranger.api(zed.token, "POST", "/api/ecotone/v1/follows", { target: dan.handle });
    expect(res.status).toBe(404);
    expect(await followers(a, "dan")).toEqual([]);
    expect((await a.api(dan.token, "POST", "/api/ecotone/v1/follows", { target: zed.handle })).status).toBe(403);
  });
});

describe("a member's instance blocked after its people joined a group", () => {
  const queuedFor = async (host: string) =>
    (await a.app.ctx.db.selectFrom("fedify_queue").select("message").where("queue", "=", "outbox").execute()).filter(
      (r) => new URL((r.message as { inbox: string }).inbox).host === host,
    ).length;
  const onPartner = (uri: string) => partner.app.ctx.db.selectFrom("posts").select("content_html").where("uri", "=", uri).executeTakeFirst();
  /** What the partner's instance actor gets from a signed GET of `uri`. */
  const signedGet = async (uri: string) => {
    const ctx = partner.app.federation.createContext(new URL(partner.origin), partner.app.ctx);
    const loader = await ctx.getDocumentLoader({ identifier: "__instance__" });
    return (await loader(uri)).document as { content?: string };
  };

  it("gets neither the deliveries queued before the block nor members-only posts by signed GETs", async () => {
    const olga = await a.user("olga");
    const pia = await partner.user("pia");
    expect(
      (await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "vault", name: "Vault", visibility: "members_only", joinPolicy: "approval" })).status,
    ).toBe(201);
    const handle = encodeURIComponent(`@vault@${a.host}`);
    await partner.api(pia.token, "POST", `/api/ecotone/v1/groups/${handle}/join`);
    const pending = await eventually(async () => {
      const items = (await a.api(olga.token, "GET", "/api/ecotone/v1/groups/vault/members?state=pending")).body.items;
      return items.length > 0 ? items : null;
    });
    for (const r of pending) await a.api(olga.token, "POST", `/api/ecotone/v1/groups/vault/requests/${r.requestId}/approve`);
    await eventually(async () => (await partner.api(pia.token, "GET", `/api/ecotone/v1/groups/${handle}`)).body.membership?.state === "accepted");

    // The control, before the block: a members-only post arrives, and a signed GET of it answers.
    const before = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "vault", content: "Members only: the honest delivery" });
    await eventually(async () => onPartner(before.body.uri));
    expect((await signedGet(before.body.uri)).content).toContain("the honest delivery");

    // A post queued while the partner is down, then the partner is blocked and comes back.
    await partner.stop();
    const queued = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "vault", content: "Members only: queued before the block" });
    expect(queued.status).toBe(201);
    await eventually(async () => (await queuedFor(partner.host)) > 0);
    await blockHost(a.app.ctx, partner.host);
    await partner.start();
    // The delivery is dropped at its next attempt, not sent.
    await eventually(async () => (await queuedFor(partner.host)) === 0, 45_000);
    expect(await onPartner(queued.body.uri)).toBeUndefined();
    // Nor can it read it by a signed GET (a URL it never fetched, so no cache of its own answers).
    await expect(signedGet(queued.body.uri)).rejects.toThrow(/403/);
  });
});
