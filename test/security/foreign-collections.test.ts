// Finding 42: a remote Group whose actor document names ANOTHER server's
// followers collection made our instance actor fetch that list with its
// signature (we have members there) and show it as the hostile group's
// members — a secret group's member list, leaked by us. An actor's
// collections are now kept only on its own origin (`fromActor`,
// src/federation/mappers/actor.mapper.ts). Two real instances and a hostile peer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, eventually, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let ada: TestUser;
let bob: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startHostilePeer();
  ada = await a.user("ada");
  bob = await b.user("bob");
  mallory = await b.user("mallory");
  await a.api(ada.token, "POST", "/api/ecotone/v1/groups", { slug: "den", name: "The Den", visibility: "secret", joinPolicy: "invite" });
  await a.api(ada.token, "POST", "/api/ecotone/v1/groups/den/invites", { target: bob.handle });
  await eventually(async () => (await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@den@${a.host}`)}/join`)).status < 300);
  await eventually(async () => (await a.api(ada.token, "GET", "/api/ecotone/v1/groups/den/members")).body.items.length === 2);
}, 240_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("finding 42: a remote actor's collections only on its own origin", () => {
  it("control: a member of the secret group on A sees its members, read from A's own collection", async () => {
    const members = await eventually(async () => {
      const read = JSON.stringify((await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@den@${a.host}`)}/members`)).body);
      return read.includes(ada.handle.slice(1)) ? read : undefined;
    });
    expect(members).toContain(ada.handle.slice(1));
  }, 120_000);

  it("a hostile group naming A's secret member list as its followers gets no list from us", async () => {
    // Nobody may read the secret group's members on A unsigned.
    const direct = await fetch(`${a.origin}/users/den/followers`, { headers: { accept: "application/activity+json" } });
    expect(direct.status).toBe(404);

    const g = await peer.addActor("g", { type: "Group", followers: `${a.origin}/users/den/followers`, name: "Innocent group" });
    const ref = encodeURIComponent(g.uri);
    expect((await b.api(mallory.token, "GET", `/api/ecotone/v1/groups/${ref}`)).status).toBe(200);
    const db = b.app.ctx.db;
    const stored = await db.selectFrom("actors").select(["id", "followers_url"]).where("uri", "=", g.uri).executeTakeFirstOrThrow();
    // The hostile home accepts mallory's join (as it would answer her Follow with an Accept).
    const m = await db.selectFrom("users").select("actor_id").where("username", "=", "mallory").executeTakeFirstOrThrow();
    await db
      .insertInto("follows")
      .values({
        id: "7000000000000000001",
        follower_id: m.actor_id,
        followee_id: stored.id,
        state: "accepted",
        activity_uri: `${b.origin}/follows/x`,
        accepted_at: new Date(),
      } as never)
      .execute();

    const members = JSON.stringify((await b.api(mallory.token, "GET", `/api/ecotone/v1/groups/${ref}/members`)).body);
    expect(members).not.toContain(ada.handle.slice(1));
    expect(members).not.toContain(bob.handle.slice(1));
    // The foreign address is not kept at all.
    expect(stored.followers_url).toBeNull();
  }, 120_000);
});
