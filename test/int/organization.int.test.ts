// One instance: the organization set through the admin CLI's command table,
// partner rules refused when wrong (leaving what was stored), the personal
// and group archives, and the admin web pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands.ts";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
let boss: TestUser;

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice", { scopes: "read write follow admin:read" });
  bob = await a.user("bob");
  boss = await a.user("boss", { scopes: "read write follow admin:read admin:write" });
  await setRole(a.app.ctx, "boss", "admin");
}, 60_000);

afterAll(async () => {
  await a?.close();
});

describe("ecotone org and partner commands", () => {
  it("sets the organization; options not given keep their value", async () => {
    const set = await runCommand(a.app.ctx, ["org", "set", "--name", "Initech", "--short-name", "ITC", "--website", "https://initech.example/"]);
    expect(set.ok).toBe(true);
    const more = await runCommand(a.app.ctx, ["org", "set", "--logo-url", "https://initech.example/logo.svg"]);
    expect(more.ok).toBe(true);
    const org = await a.api(null, "GET", "/api/ecotone/v1/organization");
    expect(org.body).toMatchObject({ name: "Initech", shortName: "ITC", website: "https://initech.example/", logoUrl: "https://initech.example/logo.svg" });
    const audit = await a.api(boss.token, "GET", "/api/ecotone/v1/admin/audit?action=organization.updated");
    expect(audit.body.items[0]).toMatchObject({ actor: "admin CLI", action: "organization.updated" });
  });

  it("refuses a bad value with a message and changes nothing", async () => {
    const bad = await runCommand(a.app.ctx, ["org", "set", "--website", "ftp://initech.example"]);
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.error).toContain("website");
    expect((await a.api(null, "GET", "/api/ecotone/v1/organization")).body.website).toBe("https://initech.example/");

    expect((await runCommand(a.app.ctx, ["partner", "set", "globex.example", "--relationship", "supplier", "--join-rule", "approval"])).ok).toBe(true);
    const wrong = await runCommand(a.app.ctx, ["partner", "set", "globex.example", "--relationship", "customer", "--policy", "maybe"]);
    expect(!wrong.ok && wrong.error).toContain("policy");
    const list = await runCommand(a.app.ctx, ["partner", "list"]);
    expect(list.ok && list.output).toContain("globex.example\tglobex.example\tsupplier\tallow\tapproval");
  });
});

describe("archives", () => {
  it("refuses an API body of the wrong shape with a 422 naming the field, and changes nothing", async () => {
    const before = (await a.api(null, "GET", "/api/ecotone/v1/organization")).body;
    const bad = await a.api(boss.token, "PUT", "/api/ecotone/v1/admin/organization", { name: 42 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.field).toBe("name");
    expect((await a.api(null, "GET", "/api/ecotone/v1/organization")).body).toEqual(before);
    const partner = await a.api(boss.token, "PUT", "/api/ecotone/v1/admin/partners/shape.example", { policy: ["block"] });
    expect(partner.status).toBe(422);
    expect(partner.body.error.details.field).toBe("policy");
    const partners = (await a.api(boss.token, "GET", "/api/ecotone/v1/admin/partners")).body.items as Array<{ domain: string }>;
    expect(partners.map((p) => p.domain)).not.toContain("shape.example");
    // A stranger is refused before the body is looked at.
    expect((await a.api(null, "PUT", "/api/ecotone/v1/admin/organization", { name: 42 })).status).toBe(401);
  });

  it("gives a person everything they posted, liked and joined, as ActivityStreams JSON", async () => {
    expect((await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "planning", visibility: "members_only" })).status).toBe(201);
    await a.api(bob.token, "POST", "/api/ecotone/v1/groups/planning/join");
    const post = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { group: "planning", content: "Budget for Q3 is approved." });
    expect(post.status).toBe(201);
    await a.api(bob.token, "POST", `/api/ecotone/v1/posts/${post.body.id}/like`);
    await a.api(bob.token, "POST", "/api/ecotone/v1/follows", { target: alice.handle });

    const res = await fetch(`${a.origin}/api/ecotone/v1/me/archive`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const archive = await res.json();
    expect(archive["@context"]).toBe("https://www.w3.org/ns/activitystreams");
    expect(archive.actor.id).toBe(alice.uri);
    const create = archive.outbox.orderedItems[0];
    expect(create.type).toBe("Create");
    expect(create.object.content).toContain("Budget for Q3 is approved.");
    expect(create.object.audience).toContain("/users/planning");
    expect(archive.followers.orderedItems).toEqual([bob.uri]);
    expect(archive.memberships.orderedItems).toEqual([expect.objectContaining({ type: "Group", role: "owner" })]);

    const bobs = await (await fetch(`${a.origin}/api/ecotone/v1/me/archive`, { headers: { authorization: `Bearer ${bob.token}` } })).json();
    expect(bobs.outbox.totalItems).toBe(0);
    expect(bobs.likes.orderedItems).toEqual([post.body.uri]);
    expect(bobs.following.orderedItems).toEqual([alice.uri]);
    expect((await a.api(null, "GET", "/api/ecotone/v1/me/archive")).status).toBe(401);
  });

  it("gives a group's owners the group with its posts and members; nobody else", async () => {
    const res = await fetch(`${a.origin}/api/ecotone/v1/groups/planning/archive`, { headers: { authorization: `Bearer ${alice.token}` } });
    const archive = await res.json();
    expect(archive.group).toMatchObject({ type: "Group", visibility: "members_only" });
    expect(archive.posts.orderedItems.map((p: { content: string }) => p.content).join()).toContain("Budget for Q3");
    expect(archive.members.totalItems).toBe(2);
    expect((await a.api(bob.token, "GET", "/api/ecotone/v1/groups/planning/archive")).status).toBe(403);
  });
});

describe("the web interface", () => {
  it("lets an admin set the organization and label partners; members cannot", async () => {
    const admin = new WebVisitor(a.origin);
    await admin.signIn("boss", "correct horse battery staple");
    const page = await admin.get("/admin/organization");
    expect(page.status).toBe(200);
    expect(page.text_).toContain('value="Initech"');
    const saved = await admin.post("/admin/organization", { name: "Initech Labs", website: "https://initech.example/" });
    expect(await admin.flashAfter(saved)).toContain("Saved: Initech Labs.");
    await admin.get("/admin/organization");
    const bad = await admin.post("/admin/organization", { name: "Initech Labs", logoUrl: "javascript:alert(1)" });
    expect(await admin.flashAfter(bad)).toContain("logoUrl");
    expect((await a.api(null, "GET", "/api/ecotone/v1/organization")).body.name).toBe("Initech Labs");

    await admin.get("/admin/partners");
    const labelled = await admin.post("/admin/partners", { domain: "umbrella.example", relationship: "customer" });
    expect(await admin.flashAfter(labelled)).toContain("umbrella.example: customer");
    const partners = await admin.get("/admin/partners");
    expect(partners.text_).toContain("umbrella.example");
    expect(partners.text_).toContain("Joins waiting for approval");

    const member = new WebVisitor(a.origin);
    await member.signIn("bob", "correct horse battery staple");
    expect((await member.get("/admin/partners")).status).toBe(403);
  });

  it("shows the companies in a group on its page", async () => {
    const v = new WebVisitor(a.origin);
    await v.signIn("alice", "correct horse battery staple");
    const page = await v.get("/g/planning");
    expect(page.text_).toContain("Companies in this group");
    const section = page.text_.slice(page.text_.indexOf("Companies in this group"));
    expect(section).toContain("<strong>Initech Labs</strong>");
    expect(section).toContain('<span class="badge">us</span>');
    expect(section).toContain("· 2 members");
  });
});

describe("the audit log of moderation", () => {
  it("records a moderator removing a post and an admin resolving a report; the moderator sees their group's entries", async () => {
    const post = await a.api(bob.token, "POST", "/api/ecotone/v1/posts", { group: "planning", content: "Off-topic advert" });
    expect((await a.api(alice.token, "DELETE", `/api/ecotone/v1/posts/${post.body.id}`)).status).toBe(204);
    const report = await a.api(bob.token, "POST", "/api/ecotone/v1/reports", { target: alice.handle, comment: "rude" });
    // Alice moderates a group, not the instance: a report about her, filed to the instance, is not hers to close.
    expect((await a.api(alice.token, "POST", `/api/ecotone/v1/reports/${report.body.id}/resolve`)).status).toBe(404);
    expect((await a.api(boss.token, "POST", `/api/ecotone/v1/reports/${report.body.id}/resolve`)).status).toBe(204);

    const mine = await a.api(alice.token, "GET", "/api/ecotone/v1/admin/audit");
    expect(mine.body.items.map((e: { action: string }) => e.action)).toEqual(["post.removed"]);
    expect(mine.body.items[0]).toMatchObject({ actor: alice.handle, target: post.body.uri });
    const all = await a.api(boss.token, "GET", "/api/ecotone/v1/admin/audit?action=report");
    expect(all.body.items[0]).toMatchObject({ actor: boss.handle, action: "report.resolved", target: report.body.id });
  });
});
