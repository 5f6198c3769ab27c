// The web interface without a browser: pages answer with the right status
// and headers, forms need their CSRF token, output is escaped, admins manage
// people (invitation links, suspension), and members change their settings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(a.app.ctx, { username: "mia", password: PASSWORD, displayName: "Mia <script>alert(1)</script>" });
});

afterAll(async () => {
  await a?.close();
});

describe("web pages", () => {
  it("sends visitors to sign in, with security headers on every page", async () => {
    const v = new Visitor(a.origin);
    const home = await v.get("/");
    expect(home.status).toBe(200);
    expect(home.text_).toContain('name="username"');
    expect(home.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(home.headers.get("x-content-type-options")).toBe("nosniff");
    const tasks = await v.get("/me/tasks");
    expect(tasks.status).toBe(303);
    expect(tasks.headers.get("location")).toBe("/sign-in?next=%2Fme%2Ftasks");
    // The script and stylesheet are ours, not a CDN's.
    expect(home.text_).toMatch(/<script type="module" src="\/assets\/app.js"><\/script>/);
    expect(home.text_).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(js|css)/);
    expect((await v.get("/assets/app.js")).status).toBe(200);
  });

  it("signs in only with the right password and the form's token, and never redirects off-site", async () => {
    const v = new Visitor(a.origin);
    await v.get("/sign-in");
    expect((await v.post("/sign-in", { username: "mia", password: PASSWORD }, false)).status).toBe(403);
    expect((await v.post("/sign-in", { username: "mia", password: "wrong" })).status).toBe(401);
    const ok = await v.post("/sign-in", { username: "mia", password: PASSWORD, next: "//evil.example/" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/");
    const session = [...v.jar].find(([k]) => k === "ecotone_session");
    expect(session).toBeDefined();
  });

  it("escapes what people type: a display name with a script stays text", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const profile = await v.get("/u/mia");
    expect(profile.status).toBe(200);
    expect(profile.text_).toContain("Mia &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(profile.text_).not.toContain("<script>alert(1)</script>");
  });

  it("refuses a form without its CSRF token and changes nothing", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("mia");
    await v.get("/groups");
    const forged = await v.post("/groups", { slug: "forged" }, false);
    expect(await v.flashAfter(forged)).toContain("expired");
    expect((await v.get("/g/forged")).status).toBe(404);
  });

  it("lets a member change their profile and password, and says why a wrong current password is refused", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("mia");
    await v.get("/settings");
    expect(await v.flashAfter(await v.post("/settings/profile", { displayName: "Mia M.", bio: "Buyer", locked: "true" }))).toBe("Profile saved.");
    expect(v.lastPage).toContain('value="Mia M."');
    expect(v.lastPage).toMatch(/id="locked"[^>]*checked/);
    expect(await v.flashAfter(await v.post("/settings/password", { current: "nope", next: "another long password" }))).toContain(
      "current password is not right",
    );
    expect(await v.flashAfter(await v.post("/settings/password", { current: PASSWORD, next: "another long password" }))).toBe(
      "Password changed. Your other sessions and apps are signed out; sign in there again.",
    );
    const again = new Visitor(a.origin);
    expect((await again.signIn("mia", "another long password")).status).toBe(303);
  });

  it("lets admins invite by a one-time link, and suspend; members cannot", async () => {
    const member = new Visitor(a.origin);
    await member.signIn("mia", "another long password");
    expect((await member.get("/admin")).status).toBe(403);
    await member.get("/settings");
    expect(await member.flashAfter(await member.post("/admin/invites", { role: "member", audience: "partner" }))).toContain("Only administrators");

    const admin = new Visitor(a.origin);
    await admin.signIn("root");
    await admin.get("/admin");
    // The link is in the answer to the form, never in an address to be logged or shared.
    const created = await admin.post("/admin/invites", { role: "member", audience: "partner" });
    expect(created.status).toBe(200);
    expect(created.headers.get("location")).toBeNull();
    const page = await created.text();
    const link = /id="invite-link" type="text" readonly value="([^"]+)"/.exec(page)?.[1];
    expect(link).toMatch(/\/join\/[\w-]+$/);
    expect(page).toContain('data-copy="invite-link"');
    expect((await admin.get("/admin")).text_).not.toContain(new URL(link!).pathname);

    const newcomer = new Visitor(a.origin);
    const join = await newcomer.get(new URL(link!).pathname);
    expect(join.status).toBe(200);
    expect(join.text_).toContain("@root invited you to");
    const joined = await newcomer.post(new URL(link!).pathname, { username: "pat", password: "a long enough password" });
    expect(await newcomer.flashAfter(joined)).toBe("Welcome, @pat!");
    // The link works once.
    expect((await new Visitor(a.origin).get(new URL(link!).pathname)).status).toBe(404);
    await admin.get("/admin");
    expect(admin.lastPage).toMatch(/@pat[\s\S]*partner/);

    const suspended = await admin.post("/admin/users/pat/suspend", {});
    expect(await admin.flashAfter(suspended)).toBe("@pat is suspended.");
    expect((await newcomer.get("/me/tasks")).status).toBe(303); // signed out everywhere
    expect((await new Visitor(a.origin).signIn("pat", "a long enough password")).status).toBe(401);
  });

  it("shows not found for a group that does not exist, and the admin pages to admins", async () => {
    const admin = new Visitor(a.origin);
    await admin.signIn("root");
    expect((await admin.get("/g/nope")).status).toBe(404);
    for (const path of ["/admin/groups", "/admin/federation", "/admin/deliveries", "/admin/reports", "/notifications", "/me/tasks", "/groups"]) {
      expect((await admin.get(path)).status, path).toBe(200);
    }
    await admin.get("/admin/federation");
    expect(await admin.flashAfter(await admin.post("/admin/federation/hosts", { host: "bad.example", policy: "block" }))).toContain("bad.example");
    expect(admin.lastPage).toContain("bad.example");
  });

  it("writes, replies, likes and shares a post into another group through the forms", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    await v.get("/groups");
    expect(await v.flashAfter(await v.post("/groups", { slug: "alpha", name: "Alpha", visibility: "public", joinPolicy: "open" }))).toContain("created");
    await v.get("/groups");
    await v.flashAfter(await v.post("/groups", { slug: "beta", name: "Beta", visibility: "public", joinPolicy: "open" }));
    await v.get("/g/alpha");
    expect(await v.flashAfter(await v.post("/g/alpha/posts", { content: "Hello <b>alpha</b>" }))).toBe("Posted.");
    expect(v.lastPage).toContain("Hello &lt;b&gt;alpha&lt;/b&gt;");
    const postId = /href="\/p\/(\d{19})"/.exec(v.lastPage)![1]!;
    await v.get(`/p/${postId}`);
    expect(await v.flashAfter(await v.post(`/p/${postId}/reply`, { content: "A reply" }))).toBe("Replied.");
    expect(await v.flashAfter(await v.post(`/p/${postId}/like`, {}))).toBe("Liked.");
    expect(v.lastPage).toContain("1 like");
    expect(await v.flashAfter(await v.post(`/p/${postId}/share`, { group: "beta" }))).toBe("Shared into the group.");
    await v.get("/g/beta");
    expect(v.lastPage).toContain("Hello &lt;b&gt;alpha&lt;/b&gt;");
  });
});
