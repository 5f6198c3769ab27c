// Cross-posting between groups on different instances, moderation (removing
// a remote member's post, locking a thread) and reports across instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser; // owns groups on A
let bo: TestUser; // owns a group on B
let cy: TestUser; // member everywhere, on C
let cadmin: TestUser;

type PostItem = { id: string; uri: string; contentHtml: string; threadUri: string; locked: boolean };

async function timeline(instance: TestInstance, user: TestUser, group: string): Promise<PostItem[]> {
  const res = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

async function joinAndWait(instance: TestInstance, user: TestUser, group: string) {
  const res = await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/join`);
  expect([200, 202]).toContain(res.status);
  await eventually(async () => {
    const g = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}`);
    return g.body.membership?.state === "accepted";
  });
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  olga = await a.user("olga");
  bo = await b.user("bo");
  cy = await c.user("cy");
  cadmin = await c.user("cadmin");
  await setRole(c.app.ctx, "cadmin", "admin");
  for (const [slug, visibility] of [
    ["makers", "public"],
    ["board", "members_only"],
  ] as const) {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug, visibility, joinPolicy: "open" })).status).toBe(201);
  }
  expect((await b.api(bo.token, "POST", "/api/ecotone/v1/groups", { slug: "buyers", joinPolicy: "open" })).status).toBe(201);
  await joinAndWait(c, cy, `@makers@${a.host}`);
  await joinAndWait(c, cy, `@board@${a.host}`);
  await joinAndWait(c, cy, `@buyers@${b.host}`);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("cross-posting", () => {
  it("shares a public post from a group on A into a group on B; replies join the original thread", async () => {
    const original = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "makers", content: "New alloy datasheet is out" });
    const onC = (await eventually(async () => (await timeline(c, cy, `@makers@${a.host}`)).find((p) => p.uri === original.body.uri)))!;
    const shared = await c.api(cy.token, "POST", `/api/ecotone/v1/posts/${onC.id}/share`, { group: `@buyers@${b.host}` });
    expect(shared.status).toBe(200);

    // B's group shows the original post (same URI, not a copy).
    const onB = (await eventually(async () => (await timeline(b, bo, "buyers")).find((p) => p.uri === original.body.uri)))!;
    expect(onB.contentHtml).toContain("alloy datasheet");

    // bo (member of buyers, not of makers) replies: the reply joins the original thread on A.
    const reply = await b.api(bo.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onB.id, content: "Can we get it in German?" });
    expect(reply.status).toBe(201);
    expect(reply.body.threadUri).toBe(original.body.uri);
    await eventually(async () => {
      const thread = await a.api(olga.token, "GET", `/api/ecotone/v1/posts/${original.body.id}/thread`);
      return thread.body.items.some((p: { uri: string }) => p.uri === reply.body.uri);
    });
  });

  it("refuses to share a members-only post outside its group, with a clear error", async () => {
    const secret = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Board minutes (confidential)" });
    const onC = (await eventually(async () => (await timeline(c, cy, `@board@${a.host}`)).find((p) => p.uri === secret.body.uri)))!;
    const res = await c.api(cy.token, "POST", `/api/ecotone/v1/posts/${onC.id}/share`, { group: `@buyers@${b.host}` });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/cannot be shared outside/);
    expect((await timeline(b, bo, "buyers")).some((p) => p.uri === secret.body.uri)).toBe(false);
  });
});

describe("moderation", () => {
  it("a moderator removes a remote member's post; it disappears on every instance", async () => {
    const post = await c.api(cy.token, "POST", "/api/ecotone/v1/posts", { group: `@makers@${a.host}`, content: "Off-topic advert" });
    expect(post.status).toBe(201);
    const onA = (await eventually(async () => (await timeline(a, olga, "makers")).find((p) => p.uri === post.body.uri)))!;
    const removed = await a.api(olga.token, "DELETE", `/api/ecotone/v1/posts/${onA.id}`);
    expect(removed.status).toBe(204);
    expect((await timeline(a, olga, "makers")).some((p) => p.uri === post.body.uri)).toBe(false);
    await eventually(async () => !(await timeline(c, cy, `@makers@${a.host}`)).some((p) => p.uri === post.body.uri));
  });

  it("a locked thread takes no more replies from members", async () => {
    const post = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "makers", content: "Heated debate" });
    const locked = await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${post.body.id}/lock`);
    expect(locked.body.locked).toBe(true);
    const dora = await a.user("dora");
    await a.api(dora.token, "POST", "/api/ecotone/v1/groups/makers/join");
    const reply = await a.api(dora.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: post.body.id, content: "One more thing" });
    expect(reply.status).toBe(403);
    expect(reply.body.error.message).toMatch(/locked/);
    // A remote member's reply is refused by the group's home instance too.
    const onC = (await eventually(async () => (await timeline(c, cy, `@makers@${a.host}`)).find((p) => p.uri === post.body.uri)))!;
    const remoteReply = await c.api(cy.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onC.id, content: "And another" });
    expect(remoteReply.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const thread = await a.api(olga.token, "GET", `/api/ecotone/v1/posts/${post.body.id}/thread`);
    expect(thread.body.items.map((p: { uri: string }) => p.uri)).toEqual([post.body.uri]);
  });

  it("a report reaches the group's moderators and the reported account's instance admins", async () => {
    const reporter = await b.user("rita");
    await joinAndWait(b, reporter, `@makers@${a.host}`);
    const post = await c.api(cy.token, "POST", "/api/ecotone/v1/posts", { group: `@makers@${a.host}`, content: "Questionable claim" });
    const onB = (await eventually(async () => (await timeline(b, reporter, `@makers@${a.host}`)).find((p) => p.uri === post.body.uri)))!;
    const filed = await b.api(reporter.token, "POST", "/api/ecotone/v1/reports", { postIds: [onB.id], comment: "Misleading" });
    expect(filed.status).toBe(201);

    const atA = await eventually(async () => {
      const res = await a.api(olga.token, "GET", "/api/ecotone/v1/reports");
      return res.body.items.find((r: { postUris: string[] }) => r.postUris.includes(post.body.uri));
    });
    expect(atA.comment).toBe("Misleading");
    expect(atA.target).toBe(cy.handle);
    await eventually(async () => {
      const res = await c.api(cadmin.token, "GET", "/api/ecotone/v1/reports");
      return res.body.items.some((r: { target: string }) => r.target === cy.handle);
    });
    // An ordinary member reads no reports.
    expect((await c.api(cy.token, "GET", "/api/ecotone/v1/reports")).status).toBe(403);
  });
});
