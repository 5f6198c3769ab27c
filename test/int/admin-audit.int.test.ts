// Every admin action is in the audit log. The test enumerates the admin
// routes — the API's from its OpenAPI document, the web's admin forms from
// their pages' sources — and each must be exercised here (asserting that it
// wrote its audit entry) or name the federation test that does. A new admin
// route without an entry fails this test.
import { readFileSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let boss: TestUser;
let web: WebVisitor;

beforeAll(async () => {
  a = await startInstance();
  boss = await a.user("boss", { scopes: "read write follow admin:read admin:write" });
  await setRole(a.app.ctx, "boss", "admin");
  await a.user("alice");
  web = new WebVisitor(a.origin);
  await web.signIn("boss", "correct horse battery staple");
}, 60_000);

afterAll(async () => {
  await a?.close();
});

async function actions(): Promise<string[]> {
  const log = await a.api(boss.token, "GET", "/api/ecotone/v1/admin/audit?limit=10000");
  expect(log.status).toBe(200);
  return log.body.items.map((e: { action: string }) => e.action);
}

/** Runs `act`, then expects exactly one new entry with this action, by the admin. */
async function audited(action: string, act: () => Promise<unknown>): Promise<void> {
  const before = (await actions()).filter((x) => x === action).length;
  await act();
  const log = await a.api(boss.token, "GET", `/api/ecotone/v1/admin/audit?action=${encodeURIComponent(action)}`);
  expect(log.body.items.filter((e: { action: string }) => e.action === action)).toHaveLength(before + 1);
  expect(log.body.items[0].actor).toBe(boss.handle);
}

async function form(path: string, fields: Record<string, string>, page = "/admin"): Promise<void> {
  await web.get(page);
  const res = await web.post(path, fields);
  expect(res.status).toBe(303);
  const flash = await web.flashAfter(res);
  expect(flash).not.toMatch(/^(Error|Only|No )/);
}

// Each admin route: how this test exercises it and the action it must log,
// or the federation test that does (the route needs another instance).
const HERE: Record<string, { action: string; run: () => Promise<unknown> }> = {
  "POST /api/ecotone/v1/admin/invitations": {
    action: "invite.created",
    run: async () =>
      expect((await a.api(boss.token, "POST", "/api/ecotone/v1/admin/invitations", { email: "newcomer@example.com", role: "member" })).status).toBe(201),
  },
  "PUT /api/ecotone/v1/admin/organization": {
    action: "organization.updated",
    run: () => a.api(boss.token, "PUT", "/api/ecotone/v1/admin/organization", { name: "Initech" }),
  },
  "PUT /api/ecotone/v1/admin/partners/{domain}": {
    action: "partner.updated",
    run: () => a.api(boss.token, "PUT", "/api/ecotone/v1/admin/partners/partner.example", { relationship: "customer" }),
  },
  "web POST /admin/organization": { action: "organization.updated", run: () => form("/admin/organization", { name: "Initech Inc" }, "/admin/organization") },
  "web POST /admin/partners": {
    action: "partner.updated",
    run: () => form("/admin/partners", { domain: "supplier.example", relationship: "supplier" }, "/admin/partners"),
  },
  "web POST /admin/users": {
    action: "user.created",
    run: () => form("/admin/users", { username: "newbie", password: "correct horse battery staple", role: "member" }),
  },
  "web POST /admin/users/:username/role": { action: "user.role_changed", run: () => form("/admin/users/alice/role", { role: "admin" }) },
  "web POST /admin/users/:username/audience": { action: "user.audience_set", run: () => form("/admin/users/alice/audience", { audience: "partner" }) },
  "web POST /admin/users/:username/suspend": { action: "user.suspended", run: () => form("/admin/users/alice/suspend", {}) },
  "web POST /admin/users/:username/unsuspend": { action: "user.unsuspended", run: () => form("/admin/users/alice/unsuspend", {}) },
  "web POST /admin/invites": {
    action: "invite.created",
    run: async () => {
      await web.get("/admin");
      expect((await web.post("/admin/invites", { role: "member", audience: "customer" })).status).toBe(200);
    },
  },
  "web POST /admin/federation/mode": { action: "federation.mode_set", run: () => form("/admin/federation/mode", { mode: "open" }, "/admin/federation") },
  "web POST /admin/federation/hosts": {
    action: "federation.blocked",
    run: () => form("/admin/federation/hosts", { host: "spam.example", policy: "block" }, "/admin/federation"),
  },
  "web POST /admin/federation/forget": {
    action: "federation.rule_removed",
    run: () => form("/admin/federation/forget", { host: "spam.example" }, "/admin/federation"),
  },
};
const ELSEWHERE: Record<string, { action: string; test: string; reason?: string }> = {
  "POST /api/ecotone/v1/admin/partners/{domain}/refresh": { action: "", test: "", reason: "refetches a peer's organization; changes no setting" },
  "PUT /api/ecotone/v1/admin/audiences/{actor}": { action: "person.audience_set", test: "test/federation/organizations.test.ts" },
  "POST /api/ecotone/v1/admin/join-approvals/{id}/approve": { action: "membership", test: "test/federation/governance.test.ts" },
  "POST /api/ecotone/v1/admin/join-approvals/{id}/deny": { action: "membership", test: "test/federation/governance.test.ts" },
  "web POST /admin/join-approvals/:id/${decision}": { action: "membership", test: "test/federation/governance.test.ts" },
  "POST /api/ecotone/v1/admin/shared-rooms/invitations/{id}/accept": { action: "room.accepted", test: "test/federation/shared-rooms.test.ts" },
  "POST /api/ecotone/v1/admin/shared-rooms/invitations/{id}/decline": { action: "room.", test: "test/federation/shared-rooms.test.ts" },
  "POST /api/ecotone/v1/admin/shared-rooms/invitations/{id}/leave": { action: "room.left", test: "test/federation/shared-rooms.test.ts" },
  "web POST /admin/shared-rooms/:id/${answer}": { action: "room.", test: "test/federation/shared-rooms.test.ts" },
  "web POST /admin/reports/:id/resolve": { action: "report.resolved", test: "test/int/organization.int.test.ts" },
};

async function adminRoutes(): Promise<string[]> {
  const doc = (await a.api(null, "GET", "/api/ecotone/v1/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  const api = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith("/admin/"))
    .flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => ["post", "put", "patch", "delete"].includes(m))
        .map((m) => `${m.toUpperCase()} /api/ecotone/v1${path}`),
    );
  const pages = readdirSync("src/web/pages").map((f) => readFileSync(`src/web/pages/${f}`, "utf8"));
  const forms = pages.flatMap((source) => [...source.matchAll(/routes\.(?:action|postPage)\(\s*["`](\/admin[^"`]*)["`]/g)].map((m) => `web POST ${m[1]}`));
  return [...new Set([...api, ...forms])].sort();
}

describe("the audit log covers every admin action", () => {
  it("knows every admin route", async () => {
    const routes = await adminRoutes();
    expect(routes.length).toBeGreaterThan(15);
    const unknown = routes.filter((r) => !(r in HERE) && !(r in ELSEWHERE));
    expect(unknown).toEqual([]);
    for (const [route, where] of Object.entries(ELSEWHERE)) {
      if (where.reason) continue;
      expect(readFileSync(where.test, "utf8"), `${route} → ${where.test}`).toContain(where.action);
    }
  });

  for (const [route, { action, run }] of Object.entries(HERE)) {
    it(`${route} writes ${action}`, async () => {
      await audited(action, run);
    });
  }

  it("records the admin CLI as the actor of a change made from the command line", async () => {
    const { runCommand } = await import("../../src/cli/commands.ts");
    expect((await runCommand(a.app.ctx, ["federation", "block", "cli.example"])).ok).toBe(true);
    const log = await a.api(boss.token, "GET", "/api/ecotone/v1/admin/audit?action=federation.blocked");
    expect(log.body.items[0]).toMatchObject({ actor: "admin CLI", target: "cli.example" });
  });
});
