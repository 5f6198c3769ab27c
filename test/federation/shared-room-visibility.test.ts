// A shared room in the one visibility rule: once a group is a room between
// Acme and Globex, nobody of another organization sees its content — not a
// person of Initech who joined before the room was restricted (his membership
// ends, on Initech too), not a hostile peer holding a membership — at any door:
// delivery, signed ActivityPub fetches, the API of their own instance. Globex's member (admitted) is the
// honest control.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

let acme: TestInstance;
let globex: TestInstance;
let initech: TestInstance;
let peer: HostilePeer;
let mallory: { uri: string; keyId: string };
let owner: TestUser;
let globexAdmin: TestUser;
let gina: TestUser;
let ivan: TestUser;
let before: { id: string; uri: string };

const SCOPES = "read write follow admin:read admin:write";
const handle = () => `@deals@${acme.host}`;
const ref = () => encodeURIComponent(handle());

async function postsOn(instance: TestInstance, user: TestUser): Promise<string[]> {
  const res = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${ref()}/posts`);
  return res.status === 200 ? res.body.items.map((p: { uri: string }) => p.uri) : [];
}

/** Mallory's signed GET of one of Acme's documents. */
async function malloryFetch(url: string): Promise<number> {
  const signed = await peer.sign(url, undefined, mallory.keyId, { method: "GET" });
  return (await fetch(signed.url, { headers: signed.headers })).status;
}

async function join(instance: TestInstance, user: TestUser): Promise<void> {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${ref()}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${ref()}`)).body?.membership?.state === "accepted");
}

beforeAll(async () => {
  [acme, globex, initech] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  peer = await startHostilePeer();
  owner = await acme.user("owner", { scopes: SCOPES });
  globexAdmin = await globex.user("globexadmin", { scopes: SCOPES });
  await setRole(globex.app.ctx, "globexadmin", "admin");
  gina = await globex.user("gina");
  ivan = await initech.user("ivan");
  expect((await acme.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "deals", visibility: "members_only", joinPolicy: "open" })).status).toBe(201);
  // Before the group becomes a shared room, Initech's Ivan and a hostile peer join it.
  await join(initech, ivan);
  mallory = await peer.addActor("mallory");
  const follow = { "@context": AS_CONTEXT, id: `${peer.origin}/follows/1`, type: "Follow", actor: mallory.uri, object: `${acme.origin}/users/deals` };
  expect((await peer.post(`${acme.origin}/users/deals/inbox`, follow, mallory.keyId)).status).toBeLessThan(300);
  await eventually(async () => {
    const members = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/deals/members");
    return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === mallory.uri);
  });
  const written = await acme.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "deals", content: "Pricing for the next quarter" });
  before = written.body;
  await eventually(async () => (await postsOn(initech, ivan)).includes(before.uri));
}, 180_000);

afterAll(async () => {
  await Promise.all([acme?.close(), globex?.close(), initech?.close(), peer?.close()]);
});

describe("a shared room in the visibility rule", () => {
  it("before the room is restricted, a member of any company reads it (control)", async () => {
    expect(await malloryFetch(before.uri)).toBe(200);
  });

  it("once Acme and Globex share it, shows its content only to their people, at every door", async () => {
    const invite = await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/deals/shared-room/organizations", { domain: globex.host });
    expect(invite.status).toBe(202);
    const invitation = (await eventually(async () => {
      const res = await globex.api(globexAdmin.token, "GET", "/api/ecotone/v1/admin/shared-rooms");
      return res.body.invitations.find((i: { state: string }) => i.state === "pending") ?? null;
    })) as { id: string };
    expect((await globex.api(globexAdmin.token, "POST", `/api/ecotone/v1/admin/shared-rooms/invitations/${invitation.id}/accept`)).status).toBe(200);
    await eventually(async () => {
      const room = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/deals/shared-room");
      return room.body.organizations?.some(
        (o: { organization: { domain: string }; state: string }) => o.organization.domain === globex.host && o.state === "accepted",
      );
    });
    await join(globex, gina);
    // People of organizations the room does not list were put out when it became a
    // room: Acme lists neither Ivan nor Mallory, and Initech, told by a Reject,
    // ends Ivan's membership and stops showing even the post he had received.
    const members = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/deals/members");
    const memberUris = members.body.items.map((m: { actor: { uri: string } }) => m.actor.uri);
    expect(memberUris).not.toContain(mallory.uri);
    expect(memberUris.some((uri: string) => uri.startsWith(initech.origin))).toBe(false);
    await eventually(async () => (await initech.api(ivan.token, "GET", `/api/ecotone/v1/groups/${ref()}`)).body?.membership == null);
    expect(await postsOn(initech, ivan)).not.toContain(before.uri);

    const after = (await acme.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "deals", content: "Our bid for the tender" })).body as { uri: string };
    // Globex's member gets it (honest control)…
    await eventually(async () => (await postsOn(globex, gina)).includes(after.uri), 30_000);
    // …Initech's instance is not sent it.
    expect(await postsOn(initech, ivan)).not.toContain(after.uri);
    // A signed fetch by someone of another organization finds nothing, old or new.
    expect(await malloryFetch(after.uri)).toBe(404);
    expect(await malloryFetch(before.uri)).toBe(404);
  }, 120_000);
});
