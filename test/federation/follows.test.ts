// Two real instances on loopback ports: follows, locked accounts, unfollows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

async function followersOn(instance: TestInstance, username: string): Promise<string[]> {
  const res = await instance.api(null, "GET", `/api/ecotone/v1/users/${username}/followers`);
  expect(res.status).toBe(200);
  return res.body.items.map((i: { actor: { handle: string } }) => i.actor.handle);
}

async function followingOn(instance: TestInstance, username: string): Promise<string[]> {
  const res = await instance.api(null, "GET", `/api/ecotone/v1/users/${username}/following`);
  expect(res.status).toBe(200);
  return res.body.items.map((i: { actor: { handle: string } }) => i.actor.handle);
}

describe("follows between two instances", () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;

  beforeAll(async () => {
    alice = await a.user("alice");
    bob = await b.user("bob");
    carol = await b.user("carol", { locked: true });
  });

  it("alice on A follows bob on B by handle; both instances see it", async () => {
    const res = await a.api(alice.token, "POST", "/api/ecotone/v1/follows", { target: bob.handle });
    expect(res.status).toBe(202);
    expect(res.body.state).toBe("pending");
    expect(res.body.target.uri).toBe(bob.uri);

    await eventually(async () => (await followersOn(b, "bob")).includes(alice.handle));
    await eventually(async () => (await followingOn(a, "alice")).includes(bob.handle));

    // The follower collection served over ActivityPub counts alice too.
    const collection = await fetch(`${b.origin}/users/bob/followers`, {
      headers: { accept: "application/activity+json" },
    });
    expect(collection.status).toBe(200);
    expect((await collection.json()).totalItems).toBe(1);
  });

  it("a follow of a locked account waits for approval, then is accepted", async () => {
    const res = await a.api(alice.token, "POST", "/api/ecotone/v1/follows", { target: carol.handle });
    expect(res.status).toBe(202);

    const requests = await eventually(async () => {
      const r = await b.api(carol.token, "GET", "/api/ecotone/v1/follow-requests");
      return r.body.items.length === 1 ? r.body.items : null;
    });
    expect(requests[0].actor.handle).toBe(alice.handle);
    // Not a follower yet on either side.
    expect(await followersOn(b, "carol")).toEqual([]);
    expect(await followingOn(a, "alice")).not.toContain(carol.handle);

    const accept = await b.api(carol.token, "POST", `/api/ecotone/v1/follow-requests/${requests[0].followId}/accept`);
    expect(accept.status).toBe(204);
    expect(await followersOn(b, "carol")).toEqual([alice.handle]);
    await eventually(async () => (await followingOn(a, "alice")).includes(carol.handle));
  });

  it("a rejected follow request disappears on both sides", async () => {
    const dave = await b.user("dave", { locked: true });
    const erin = await a.user("erin");
    const first = await a.api(erin.token, "POST", "/api/ecotone/v1/follows", { target: dave.handle });
    expect(first.status).toBe(202);
    const requests = await eventually(async () => {
      const r = await b.api(dave.token, "GET", "/api/ecotone/v1/follow-requests");
      return r.body.items.length === 1 ? r.body.items : null;
    });
    const reject = await b.api(dave.token, "POST", `/api/ecotone/v1/follow-requests/${requests[0].followId}/reject`);
    expect(reject.status).toBe(204);
    // A pending follow that was rejected is gone from erin's side too: she
    // can ask again, and the new request is pending, not a stale duplicate.
    await eventually(async () => {
      const again = await a.api(erin.token, "POST", "/api/ecotone/v1/follows", { target: dave.handle });
      return again.status === 202 && again.body.id !== first.body.id;
    });
  });

  it("unfollow removes alice from bob's followers on B", async () => {
    const res = await a.api(alice.token, "DELETE", "/api/ecotone/v1/follows", { target: bob.handle });
    expect(res.status).toBe(204);
    expect(await followingOn(a, "alice")).not.toContain(bob.handle);
    await eventually(async () => !(await followersOn(b, "bob")).includes(alice.handle));
  });

  it("following an unknown account gives a clear error", async () => {
    const res = await a.api(alice.token, "POST", "/api/ecotone/v1/follows", { target: `@nobody@${b.host}` });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});
