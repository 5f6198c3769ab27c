// Deleting an account federates: the person's instance answers 410 for the
// actor and sends a Delete; the other instance drops the person from its
// followers and groups. A wrong password deletes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findActorByUri } from "../../src/db/repos/remote-actor.repo.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let bob: TestUser;

const AP = { accept: "application/activity+json" };

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  bob = await b.user("bob");
  await b.api(bob.token, "POST", "/api/ecotone/v1/groups", { slug: "buyers", visibility: "public", joinPolicy: "open" });
  await b.api(bob.token, "POST", "/api/ecotone/v1/follows", { target: alice.handle });
  await a.api(alice.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@buyers@${b.host}`)}/join`);
  await eventually(async () => {
    const members = await b.api(bob.token, "GET", "/api/ecotone/v1/groups/buyers/members");
    return members.body.items.some((m: { actor: { handle: string } }) => m.actor.handle === alice.handle);
  });
  await eventually(async () => (await a.api(alice.token, "GET", "/api/ecotone/v1/users/alice/followers")).body.items.length === 1);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("deleting an account", () => {
  it("needs the password; a wrong one changes nothing", async () => {
    expect((await a.api(alice.token, "DELETE", "/api/ecotone/v1/me", {})).status).toBe(422);
    const wrong = await a.api(alice.token, "DELETE", "/api/ecotone/v1/me", { password: "not it" });
    expect(wrong.status).toBe(403);
    expect((await a.api(alice.token, "GET", "/api/ecotone/v1/me")).status).toBe(200);
    expect((await fetch(alice.uri, { headers: AP })).status).toBe(200);
  });

  it("ends the account here and tells the other instance, which drops the person from followers and groups", async () => {
    expect((await a.api(alice.token, "DELETE", "/api/ecotone/v1/me", { password: "correct horse battery staple" })).status).toBe(204);
    expect((await a.api(alice.token, "GET", "/api/ecotone/v1/me")).status).toBe(401);
    expect((await fetch(alice.uri, { headers: AP })).status).toBe(410);

    await eventually(async () => (await findActorByUri(b.app.ctx.db, alice.uri))?.gone_at != null);
    const members = await b.api(bob.token, "GET", "/api/ecotone/v1/groups/buyers/members");
    expect(members.body.items.map((m: { actor: { handle: string } }) => m.actor.handle)).toEqual([bob.handle]);
    const following = await b.api(bob.token, "GET", "/api/ecotone/v1/users/bob/following");
    expect(following.body.items.map((f: { actor: { handle: string } }) => f.actor.handle)).not.toContain(alice.handle);
  });
});
