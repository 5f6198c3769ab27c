// Blocks and pins as Mastodon federates them. alice (A) blocks bob (B): B is
// sent a Block, bob's follow of her ends and her posts leave his timeline;
// unblocking sends Undo(Block). A hostile peer may block bob for itself, but
// cannot lift alice's block. alice's pins are her `featured` collection,
// kept in step on a Mastodon-shaped follower's server by Add and Remove.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startMastodonPeer, type MastodonPeer } from "../helpers/mastodon-peer.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let masto: MastodonPeer;
let peer: HostilePeer;
let alice: TestUser;
let bob: TestUser;
let aliceOnB: string;
let bobOnA: string;

async function relationship(instance: TestInstance, token: string, id: string) {
  return (await instance.api(token, "GET", `/api/v1/accounts/relationships?id[]=${id}`)).body[0] as {
    following: boolean;
    blocked_by: boolean;
    blocking: boolean;
  };
}

async function resolveAccount(instance: TestInstance, token: string, handle: string): Promise<string> {
  const res = await instance.api(token, "GET", `/api/v2/search?q=${encodeURIComponent(handle)}&resolve=true&type=accounts`);
  return res.body.accounts[0].id;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  masto = await startMastodonPeer();
  peer = await startHostilePeer();
  alice = await a.user("alice");
  bob = await b.user("bob");
  aliceOnB = await resolveAccount(b, bob.token, `alice@${a.host}`);
  bobOnA = await resolveAccount(a, alice.token, `bob@${b.host}`);
  await b.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`);
  await eventually(async () => (await relationship(b, bob.token, aliceOnB)).following);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), masto?.close(), peer?.close()]);
});

describe("blocks", () => {
  it("tells the blocked account's server, which ends the follow and hides the blocker's posts; unblocking tells it too", async () => {
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "quarterly figures are out" });
    const seen = async () => (await b.api(bob.token, "GET", "/api/v1/timelines/home")).body.some((s: { uri: string }) => s.uri === post.body.uri);
    await eventually(seen);

    expect((await a.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/block`)).status).toBe(200);
    await eventually(async () => (await relationship(b, bob.token, aliceOnB)).blocked_by);
    expect((await relationship(b, bob.token, aliceOnB)).following).toBe(false);
    expect(await seen()).toBe(false);
    // Following again is refused on bob's own server.
    expect((await b.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`)).status).toBe(403);

    expect((await a.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/unblock`)).status).toBe(200);
    await eventually(async () => !(await relationship(b, bob.token, aliceOnB)).blocked_by);
    // The follow a block ended does not come back by itself; bob may follow again.
    expect((await b.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`)).status).toBe(200);
    await eventually(async () => (await relationship(b, bob.token, aliceOnB)).following);
    expect(await seen()).toBe(true);
  });

  it("honours a block from a peer for that peer only; a forged Undo cannot lift someone else's block", async () => {
    expect((await a.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/block`)).status).toBe(200);
    await eventually(async () => (await relationship(b, bob.token, aliceOnB)).blocked_by);
    const eve = await peer.addActor("eve");
    const blockUri = `${peer.origin}/blocks/1`;
    const res = await peer.post(`${b.origin}/inbox`, { "@context": AS_CONTEXT, id: blockUri, type: "Block", actor: eve.uri, object: bob.uri }, eve.keyId);
    expect(res.status).toBe(202);
    const eveOnB = await resolveAccount(b, bob.token, eve.uri);
    await eventually(async () => (await relationship(b, bob.token, eveOnB)).blocked_by);

    // eve names alice's Block (its id is on A): the block stays.
    const rows = await b.app.ctx.db.selectFrom("account_blocks").select("activity_uri").where("activity_uri", "like", `${a.origin}/%`).execute();
    expect(rows).toHaveLength(1);
    const forged = await peer.post(
      `${b.origin}/inbox`,
      { "@context": AS_CONTEXT, id: `${peer.origin}/undo/1`, type: "Undo", actor: eve.uri, object: rows[0]!.activity_uri },
      eve.keyId,
    );
    expect(forged.status).toBeLessThan(500);
    // Processed (recorded as applied) and yet alice's block stands.
    await eventually(
      async () =>
        (await b.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", `${peer.origin}/undo/1`).execute()).length === 1,
    );
    expect((await relationship(b, bob.token, aliceOnB)).blocked_by).toBe(true);
    // eve's own Undo lifts hers; after it is applied, alice's must still stand.
    await peer.post(`${b.origin}/inbox`, { "@context": AS_CONTEXT, id: `${peer.origin}/undo/2`, type: "Undo", actor: eve.uri, object: blockUri }, eve.keyId);
    await eventually(async () => !(await relationship(b, bob.token, eveOnB)).blocked_by);
    expect((await relationship(b, bob.token, aliceOnB)).blocked_by).toBe(true);
    await a.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/unblock`);
  });
});

describe("pins", () => {
  it("publishes pins as the featured collection and sends Add and Remove to followers", async () => {
    const mara = await masto.addUser("mara");
    expect(mara.uri).toBeTruthy();
    await masto.follow("mara", alice.uri);
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "our price list, pinned" });
    const secret = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "followers only, pinned", visibility: "private" });
    await a.api(alice.token, "POST", `/api/v1/statuses/${post.body.id}/pin`);
    await a.api(alice.token, "POST", `/api/v1/statuses/${secret.body.id}/pin`);

    const actor = await masto.lookupActor(alice.uri);
    const featured = actor?.featuredId?.href;
    expect(featured).toBe(`${alice.uri}/collections/featured`);
    // A stranger reads the public pin only; the follower's signed fetch (Fedify's loader) would see both.
    const anonymous = await (await fetch(featured!, { headers: { accept: "application/activity+json" } })).json();
    const items = (anonymous.orderedItems ?? anonymous.items) as Array<{ id: string; content: string }>;
    expect(items.map((i) => i.id)).toEqual([post.body.uri]);

    await eventually(() => masto.received.some((r) => r.type === "Add" && r.objectId === post.body.uri));
    await a.api(alice.token, "POST", `/api/v1/statuses/${post.body.id}/unpin`);
    await eventually(() => masto.received.some((r) => r.type === "Remove" && r.objectId === post.body.uri));
    const after = await (await fetch(featured!, { headers: { accept: "application/activity+json" } })).json();
    expect(after.orderedItems ?? after.items ?? []).toEqual([]);
  });
});
