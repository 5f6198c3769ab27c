// A group's tabs on the web (its page, members, task board, idea board), each
// resolving the group and the viewer's rights once through the group access
// (ADR 0115): a secret group is 404 to an outsider on every tab, as a group
// that does not exist; a members-only group shows itself but not its members,
// tasks or ideas. Its owner reads every tab (the control).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let owner: WebVisitor;
let outsider: WebVisitor;
const TABS = ["", "/members", "/tasks", "/ideas"];

beforeAll(async () => {
  a = await startInstance();
  const olga = await a.user("olga");
  await a.user("out");
  for (const [slug, name, visibility] of [
    ["vault", "Vault", "secret"],
    ["board", "Board", "members_only"],
  ] as const) {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug, name, visibility })).status).toBe(201);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/groups/${slug}/tasks`, { title: `Hidden task of ${name}` })).status).toBe(201);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/groups/${slug}/ideas`, { title: `Hidden idea of ${name}`, content: "Why not" })).status).toBe(201);
  }
  owner = new WebVisitor(a.origin);
  outsider = new WebVisitor(a.origin);
  expect((await owner.signIn("olga")).status).toBe(303);
  expect((await outsider.signIn("out")).status).toBe(303);
});

afterAll(async () => {
  await a?.close();
});

describe("a group's tabs", () => {
  it("a secret group is absent to an outsider on every tab; its owner reads each (control)", async () => {
    for (const tab of TABS) {
      const seen = await outsider.get(`/g/vault${tab}`);
      expect(seen.status, tab).toBe(404);
      expect(seen.text_, tab).not.toContain("Vault");
      expect((await owner.get(`/g/vault${tab}`)).status, tab).toBe(200);
    }
    expect((await owner.get("/g/vault/members")).text_).toContain("/u/olga");
    expect((await owner.get("/g/vault/tasks")).text_).toContain("Hidden task of Vault");
    expect((await owner.get("/g/vault/ideas")).text_).toContain("Hidden idea of Vault");
  });

  it("a members-only group shows itself to an outsider, not its members, tasks or ideas; its owner sees them (control)", async () => {
    const page = await outsider.get("/g/board");
    expect(page.status).toBe(200);
    expect(page.text_).toContain("Only members can read this group&#39;s posts.");
    expect((await outsider.get("/g/board/members")).status).toBe(404);
    expect((await outsider.get("/g/board/tasks")).status).toBe(404);
    const ideas = await outsider.get("/g/board/ideas");
    expect(ideas.status).toBe(200);
    expect(ideas.text_).not.toContain("Hidden idea of Board");
    expect((await owner.get("/g/board/members")).text_).toContain("/u/olga");
    expect((await owner.get("/g/board/tasks")).text_).toContain("Hidden task of Board");
    expect((await owner.get("/g/board/ideas")).text_).toContain("Hidden idea of Board");
  });
});
