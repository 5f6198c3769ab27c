// A shared room between Acme and Globex: Globex is in only once its admin
// accepted on Globex; Initech can neither see nor join it; when Globex leaves,
// its people lose access on both instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Accept } from "@fedify/vocab";
import { instanceActorUri } from "../../src/domain/uris.ts";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let acme: TestInstance;
let globex: TestInstance;
let initech: TestInstance;
let owner: TestUser;
let acmeAdmin: TestUser;
let globexAdmin: TestUser;
let gina: TestUser;
let ivan: TestUser;

const SCOPES = "read write follow admin:read admin:write";
const room = () => encodeURIComponent(`@acme-globex@${acme.host}`);

async function admin(instance: TestInstance, username: string): Promise<TestUser> {
  const user = await instance.user(username, { scopes: SCOPES });
  await setRole(instance.app.ctx, username, "admin");
  return user;
}

async function membershipOf(instance: TestInstance, user: TestUser): Promise<string | undefined> {
  const res = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${room()}`);
  return res.body?.membership?.state;
}

async function invitationOnGlobex(): Promise<{ id: string; state: string } | undefined> {
  const res = await globex.api(globexAdmin.token, "GET", "/api/ecotone/v1/admin/shared-rooms");
  return res.body.invitations[0];
}

beforeAll(async () => {
  [acme, globex, initech] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  owner = await acme.user("owner", { scopes: SCOPES });
  acmeAdmin = await admin(acme, "acmeadmin");
  globexAdmin = await admin(globex, "globexadmin");
  gina = await globex.user("gina");
  ivan = await initech.user("ivan");
  await acme.api(acmeAdmin.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Acme" });
  await globex.api(globexAdmin.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Globex" });
  const created = await acme.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "acme-globex", visibility: "secret", joinPolicy: "open" });
  expect(created.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await Promise.all([acme?.close(), globex?.close(), initech?.close()]);
});

describe("a shared room between two companies", () => {
  it("invites Globex as an organization; Globex's people cannot join before Globex's admin accepts", async () => {
    const bad = await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/acme-globex/shared-room/organizations", { domain: "not a host!" });
    expect(bad.status).toBe(422);
    const invite = await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/acme-globex/shared-room/organizations", { domain: globex.host });
    expect(invite.status).toBe(202);
    expect(invite.body.organizations.map((o: { organization: { domain: string }; state: string }) => `${o.organization.domain}:${o.state}`)).toEqual([
      `${acme.host}:home`,
      `${globex.host}:invited`,
    ]);
    const pending = (await eventually(async () => (await invitationOnGlobex())?.state === "pending" && (await invitationOnGlobex()))) as { id: string };
    expect(pending).toBeTruthy();

    // Before the answer, Gina's join is refused by the room's home.
    expect((await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${room()}/join`)).status).toBe(202);
    await eventually(async () => (await membershipOf(globex, gina)) === undefined);
    // Only Globex's admin answers for Globex.
    expect((await globex.api(gina.token, "POST", `/api/ecotone/v1/admin/shared-rooms/invitations/${pending!.id}/accept`)).status).toBe(403);
    // Nor does an account on Globex's domain speak for Globex: Gina's own signed Accept of the invitation changes nothing.
    const stateOnAcme = async () =>
      (await acme.app.ctx.db.selectFrom("room_organizations").select(["invite_uri", "state"]).where("domain", "=", globex.host).executeTakeFirst())!;
    const ctx = globex.app.federation.createContext(new URL(globex.origin), globex.app.ctx);
    await ctx.sendActivity(
      { identifier: "gina" },
      { id: new URL(instanceActorUri(new URL(acme.origin))), inboxId: new URL(`${acme.origin}/inbox`) },
      new Accept({ id: new URL(`${gina.uri}#accepts/room`), actor: new URL(gina.uri), object: new URL((await stateOnAcme()).invite_uri) }),
    );
    await eventually(
      async () => (await globex.app.ctx.db.selectFrom("fedify_queue").select("id").where("queue", "in", ["outbox", "fanout"]).execute()).length === 0,
    );
    expect((await stateOnAcme()).state).toBe("invited");
  });

  it("lets Globex's people in once Globex's admin accepted; both admins see the room", async () => {
    const { id } = (await invitationOnGlobex())!;
    const accepted = await globex.api(globexAdmin.token, "POST", `/api/ecotone/v1/admin/shared-rooms/invitations/${id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe("accepted");
    await eventually(async () => {
      const rooms = await acme.api(acmeAdmin.token, "GET", "/api/ecotone/v1/admin/shared-rooms");
      return rooms.body.hosted[0]?.organizations.some(
        (o: { organization: { domain: string }; state: string }) => o.organization.domain === globex.host && o.state === "accepted",
      );
    });
    await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${room()}/join`);
    await eventually(async () => (await membershipOf(globex, gina)) === "accepted");
    const members = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/acme-globex/members");
    expect(members.body.items.map((m: { actor: { handle: string } }) => m.actor.handle)).toContain(gina.handle);
  });

  it("keeps a third company out: Initech can neither join nor read it, nor be invited person by person", async () => {
    // By its handle the room does not exist for Initech.
    expect((await initech.api(ivan.token, "POST", `/api/ecotone/v1/groups/${room()}/join`)).status).toBe(404);
    // Even knowing its URL, Initech's join is refused by the home: its organization is not in the room.
    const byUrl = encodeURIComponent(`${acme.origin}/users/acme-globex`);
    const join = await initech.api(ivan.token, "POST", `/api/ecotone/v1/groups/${byUrl}/join`);
    expect([202, 404]).toContain(join.status);
    if (join.status === 202) {
      await eventually(async () => (await initech.api(ivan.token, "GET", `/api/ecotone/v1/groups/${byUrl}`)).body?.membership?.state === undefined);
    }
    const members = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/acme-globex/members");
    expect(members.body.items.map((m: { actor: { handle: string } }) => m.actor.handle)).not.toContain(ivan.handle);
    expect((await initech.api(ivan.token, "GET", `/api/ecotone/v1/groups/${room()}/posts`)).body.items ?? []).toEqual([]);
    const personal = await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/acme-globex/invites", { target: ivan.handle });
    expect(personal.status).toBe(403);
    expect(personal.body.error.message).toContain(initech.host);
  });

  it("when Globex leaves, its people lose access on both instances", async () => {
    const { id } = (await invitationOnGlobex())!;
    const left = await globex.api(globexAdmin.token, "POST", `/api/ecotone/v1/admin/shared-rooms/invitations/${id}/leave`);
    expect(left.body.state).toBe("left");
    expect(await membershipOf(globex, gina)).toBeUndefined();
    await eventually(async () => {
      const members = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/acme-globex/members");
      return !members.body.items.some((m: { actor: { handle: string } }) => m.actor.handle === gina.handle);
    });
    // And cannot come back in.
    await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${room()}/join`);
    await eventually(async () => (await membershipOf(globex, gina)) === undefined);
    const audit = await globex.api(globexAdmin.token, "GET", "/api/ecotone/v1/admin/audit?action=room");
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["room.left", "room.accepted"]);
  });
});
