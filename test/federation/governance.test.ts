// Governance across two companies: the partner rule for employees joining
// groups hosted elsewhere (approval, deny), and the audit log of moderator
// actions, which moderators see for their own groups only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAudience, setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let acme: TestInstance;
let globex: TestInstance;
let admin: TestUser;
let owner: TestUser;
let gina: TestUser;
let gus: TestUser;

const ref = () => encodeURIComponent(`@tenders@${acme.host}`);

beforeAll(async () => {
  [acme, globex] = (await startInstances(2)) as [TestInstance, TestInstance];
  admin = await globex.user("admin", { scopes: "read write follow admin:read admin:write" });
  await setRole(globex.app.ctx, "admin", "admin");
  owner = await acme.user("owner", { scopes: "read write follow admin:read" });
  gina = await globex.user("gina");
  gus = await globex.user("gus");
  // Gus has an account at Globex as a customer, not as an employee.
  await setAudience(globex.app.ctx, "gus", "customer");
  expect((await acme.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "tenders", visibility: "public", joinPolicy: "open" })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await Promise.all([acme?.close(), globex?.close()]);
});

async function membersOnAcme(): Promise<string[]> {
  const res = await acme.api(owner.token, "GET", "/api/ecotone/v1/groups/tenders/members");
  return res.body.items.map((m: { actor: { handle: string } }) => m.actor.handle);
}

describe("the partner rule for employees joining groups elsewhere", () => {
  it("holds an employee's join for an admin when the rule says approval; nothing reaches the other company until then", async () => {
    const rule = await globex.api(admin.token, "PUT", `/api/ecotone/v1/admin/partners/${acme.host}`, { joinRule: "approval" });
    expect(rule.body.joinRule).toBe("approval");

    const join = await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${ref()}/join`);
    expect(join.status).toBe(202);
    expect(join.body.awaiting).toBe("admin");
    // Asking again does not queue a second request.
    await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${ref()}/join`);
    const waiting = await globex.api(admin.token, "GET", "/api/ecotone/v1/admin/join-approvals");
    expect(waiting.body.items).toHaveLength(1);
    expect(waiting.body.items[0].member.handle).toBe(gina.handle);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await membersOnAcme()).not.toContain(gina.handle);

    // A member cannot approve their own join.
    expect((await globex.api(gina.token, "POST", `/api/ecotone/v1/admin/join-approvals/${waiting.body.items[0].id}/approve`)).status).toBe(403);
    const approve = await globex.api(admin.token, "POST", `/api/ecotone/v1/admin/join-approvals/${waiting.body.items[0].id}/approve`);
    expect(approve.status).toBe(204);
    await eventually(async () => (await membersOnAcme()).includes(gina.handle));
    expect((await globex.api(admin.token, "POST", `/api/ecotone/v1/admin/join-approvals/${waiting.body.items[0].id}/approve`)).status).toBe(404);

    // Non-employees are not the company's to govern.
    const customer = await globex.api(gus.token, "POST", `/api/ecotone/v1/groups/${ref()}/join`);
    expect(customer.body.awaiting).toBeUndefined();
    await eventually(async () => (await membersOnAcme()).includes(gus.handle));
  });

  it("refuses an employee's join when the rule says deny", async () => {
    await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${ref()}/leave`);
    await globex.api(admin.token, "PUT", `/api/ecotone/v1/admin/partners/${acme.host}`, { joinRule: "deny" });
    const join = await globex.api(gina.token, "POST", `/api/ecotone/v1/groups/${ref()}/join`);
    expect(join.status).toBe(403);
    expect(join.body.error.message).toContain(acme.host);
    const bad = await globex.api(admin.token, "PUT", `/api/ecotone/v1/admin/partners/${acme.host}`, { joinRule: "sometimes" });
    expect(bad.status).toBe(422);
    expect((await globex.api(admin.token, "GET", `/api/ecotone/v1/admin/partners/${acme.host}`)).body.joinRule).toBe("deny");
  });

  it("records the admin's decisions in the audit log", async () => {
    const log = await globex.api(admin.token, "GET", "/api/ecotone/v1/admin/audit?action=membership");
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(["membership.approved"]);
    expect(log.body.items[0]).toMatchObject({ actor: admin.handle, instance: globex.host });
  });
});

describe("the audit log of moderator actions", () => {
  it("records each moderator action with who, what, target and instance; a moderator sees their groups' entries", async () => {
    await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/tenders/bans", { target: gus.handle, reason: "spam" });
    await acme.api(owner.token, "DELETE", "/api/ecotone/v1/groups/tenders/bans", { target: gus.handle });
    await acme.api(owner.token, "POST", "/api/ecotone/v1/groups/tenders/invites", { target: gina.handle });
    const log = await acme.api(owner.token, "GET", "/api/ecotone/v1/admin/audit");
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(["group.invited", "group.unbanned", "group.banned"]);
    expect(log.body.items[2]).toMatchObject({ actor: owner.handle, instance: acme.host, target: gus.handle, details: { reason: "spam" } });
    // Someone who moderates nothing reads nothing.
    const nobody = await acme.user("nobody", { scopes: "read admin:read" });
    expect((await acme.api(nobody.token, "GET", "/api/ecotone/v1/admin/audit")).status).toBe(403);
  });
});
