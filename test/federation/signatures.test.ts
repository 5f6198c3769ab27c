// Signature checks on the inbox, over real HTTP: unsigned, forged and
// tampered deliveries are refused with 401 and change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePeer, type FakePeer } from "../helpers/fake-peer.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let peer: FakePeer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startFakePeer();
  alice = await a.user("alice");
  bob = await b.user("bob");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

async function bobFollowerCount(): Promise<number> {
  const rows = await b.app.ctx.db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.followee_id")
    .select("follows.id")
    .where("actors.uri", "=", bob.uri)
    .execute();
  return rows.length;
}

async function recordedActivity(uri: string): Promise<boolean> {
  const row = await b.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", uri).executeTakeFirst();
  return row !== undefined;
}

function followFrom(actorUri: string, id: string) {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Follow",
    actor: actorUri,
    object: bob.uri,
  };
}

describe("inbox signature verification", () => {
  it("refuses an unsigned POST with 401 and stores nothing", async () => {
    const id = `${a.origin}/follows/unsigned-1`;
    const res = await fetch(`${b.origin}/users/bob/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body: JSON.stringify(followFrom(alice.uri, id)),
    });
    expect(res.status).toBe(401);
    expect(await bobFollowerCount()).toBe(0);
    expect(await recordedActivity(id)).toBe(false);
  });

  it("refuses a key whose document merely claims the victim as owner (GHSA-q9f8-5hc7-898f)", async () => {
    // The attacker's key document says "owner: alice", but alice's own actor
    // document on A does not list that key.
    const keyId = await peer.addKeyClaimingOwner("/keys/forged", alice.uri);
    const id = `${peer.origin}/activities/forged-follow`;
    const res = await peer.post(`${b.origin}/users/bob/inbox`, followFrom(alice.uri, id), keyId);
    expect(res.status).toBe(401);
    expect(await bobFollowerCount()).toBe(0);
    expect(await recordedActivity(id)).toBe(false);
  });

  it("refuses an activity whose actor is not the signer", async () => {
    const mallory = await peer.addActor("mallory");
    const id = `${peer.origin}/activities/impersonation`;
    const res = await peer.post(`${b.origin}/users/bob/inbox`, followFrom(alice.uri, id), mallory.keyId);
    expect(res.status).toBe(401);
    expect(await bobFollowerCount()).toBe(0);
  });

  it("refuses a body changed after signing (digest mismatch)", async () => {
    const mallory = await peer.addActor("mallory2");
    const id = `${peer.origin}/activities/tampered`;
    const res = await peer.post(`${b.origin}/users/bob/inbox`, followFrom(mallory.uri, id), mallory.keyId, (body) => body.replace("Follow", "Follow "));
    expect(res.status).toBe(401);
    expect(await bobFollowerCount()).toBe(0);
  });

  it("accepts the same Follow correctly signed by its real actor, and applies a duplicate once", async () => {
    const trent = await peer.addActor("trent");
    const id = `${peer.origin}/activities/honest-follow`;
    const first = await peer.post(`${b.origin}/users/bob/inbox`, followFrom(trent.uri, id), trent.keyId);
    expect(first.status).toBeLessThan(300);
    await eventually(async () => (await bobFollowerCount()) === 1);

    // trent withdraws, then the original Follow is delivered again (a retry):
    // it was already applied, so it must not bring the follow back.
    const undo = await peer.post(
      `${b.origin}/users/bob/inbox`,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${peer.origin}/activities/undo-honest-follow`,
        type: "Undo",
        actor: trent.uri,
        object: followFrom(trent.uri, id),
      },
      trent.keyId,
    );
    expect(undo.status).toBeLessThan(300);
    await eventually(async () => (await bobFollowerCount()) === 0);
    const replay = await peer.post(`${b.origin}/users/bob/inbox`, followFrom(trent.uri, id), trent.keyId);
    expect(replay.status).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await bobFollowerCount()).toBe(0);
  });

  it("refuses an oversized inbox body with 413 before reading it", async () => {
    const res = await fetch(`${b.origin}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body: JSON.stringify({ padding: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
  });
});
