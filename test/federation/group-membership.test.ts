// Secret, invite-only groups across instances: invisible to outsiders,
// joinable only by invitation; moderators from another instance; bans
// lifted; the creator's and the members' views.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let owner: TestUser;
let guest: TestUser;
let stranger: TestUser;

const AP = { accept: "application/activity+json" };

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  owner = await a.user("owner");
  guest = await b.user("guest");
  stranger = await a.user("stranger");
  const res = await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "dealroom", visibility: "secret" });
  expect(res.status).toBe(201);
  expect(res.body.joinPolicy).toBe("invite");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

async function membershipOnB(): Promise<string | undefined> {
  const res = await b.api(guest.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@dealroom@${a.host}`)}`);
  return res.body.membership?.state;
}

describe("a secret, invite-only group", () => {
  it("is invisible to outsiders: not listed, 404 by name, posts unreadable", async () => {
    const list = await a.api(stranger.token, "GET", "/api/ecotone/v1/groups");
    expect(list.body.items.map((g: { actor: { username: string } }) => g.actor.username)).not.toContain("dealroom");
    expect((await a.api(stranger.token, "GET", "/api/ecotone/v1/groups/dealroom")).status).toBe(404);
    expect((await a.api(stranger.token, "POST", "/api/ecotone/v1/groups/dealroom/join")).status).toBe(404);
    // Its member list is not served to an unsigned request.
    expect((await fetch(`${a.origin}/users/dealroom/followers`, { headers: AP })).status).toBe(404);
  });

  it("refuses a join without invitation from another instance", async () => {
    // A secret group does not exist for outsiders, not even by handle.
    const res = await b.api(guest.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@dealroom@${a.host}`)}/join`);
    expect(res.status).toBe(404);
    expect(await membershipOnB()).toBeUndefined();
  });

  it("lets an invited member from another instance in, and makes them a moderator", async () => {
    const invite = await a.api(owner.token, "POST", "/api/ecotone/v1/groups/dealroom/invites", { target: guest.handle });
    expect(invite.status).toBe(204);
    // The invitation reaches B, which then knows the secret group by its handle.
    await eventually(async () => {
      const join = await b.api(guest.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@dealroom@${a.host}`)}/join`);
      return join.status === 200 || join.status === 202;
    });
    await eventually(async () => (await membershipOnB()) === "accepted");

    const role = await a.api(owner.token, "POST", "/api/ecotone/v1/groups/dealroom/roles", { target: guest.handle, role: "moderator" });
    expect(role.status).toBe(204);
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/dealroom/members");
    expect(members.body.items.find((m: { actor: { handle: string } }) => m.actor.handle === guest.handle).role).toBe("moderator");
    // The FEP-1b12 moderators collection names both, across instances — to
    // members' instances only (this group is secret).
    expect((await fetch(`${a.origin}/users/dealroom/moderators`, { headers: AP })).status).toBe(404);
    const memberCtx = b.app.federation.createContext(new URL(b.origin), b.app.ctx);
    const loader = await memberCtx.getDocumentLoader({ identifier: "__instance__" });
    const mods = JSON.stringify((await loader(`${a.origin}/users/dealroom/moderators`)).document);
    expect(mods).toContain(owner.uri);
    expect(mods).toContain(guest.uri);
    // An outsider cannot change roles.
    expect((await a.api(stranger.token, "POST", "/api/ecotone/v1/groups/dealroom/roles", { target: stranger.handle, role: "owner" })).status).toBe(404);
  });

  it("bans, then unbans, a member: a banned member cannot rejoin until unbanned", async () => {
    const ban = await a.api(owner.token, "POST", "/api/ecotone/v1/groups/dealroom/bans", { target: guest.handle, reason: "test" });
    expect(ban.status).toBe(204);
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/dealroom/members");
    expect(members.body.items.map((m: { actor: { handle: string } }) => m.actor.handle)).not.toContain(guest.handle);

    // The ban reaches B as a Block: the membership ends there too.
    await eventually(async () => (await membershipOnB()) === undefined);

    await a.api(owner.token, "POST", "/api/ecotone/v1/groups/dealroom/invites", { target: guest.handle });
    await b.api(guest.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@dealroom@${a.host}`)}/join`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const still = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/dealroom/members");
    expect(still.body.items.map((m: { actor: { handle: string } }) => m.actor.handle)).not.toContain(guest.handle);

    expect((await a.api(owner.token, "DELETE", "/api/ecotone/v1/groups/dealroom/bans", { target: guest.handle })).status).toBe(204);
    await b.api(guest.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@dealroom@${a.host}`)}/join`);
    await eventually(async () => {
      const list = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/dealroom/members");
      return list.body.items.some((m: { actor: { handle: string } }) => m.actor.handle === guest.handle);
    });
  });
});
