// Issue 16: questions only in groups whose moderators have them on. The
// setting is the group's own, stated in its actor document; member instances
// learn a change from the group's Update and refuse a question before sending
// it, and the home keeps a #question post in such a group as an ordinary post.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let b: TestInstance;
let olga: TestUser;
let mia: TestUser;
let bea: TestUser;
const remote = () => encodeURIComponent(`@support@${a.host}`);

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  olga = await a.user("olga", { scopes: "read write follow admin:read" });
  mia = await a.user("mia");
  bea = await b.user("bea");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support", visibility: "public" });
  await a.api(mia.token, "POST", "/api/ecotone/v1/groups/support/join");
  await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${remote()}/join`);
  await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${remote()}`)).body.membership?.state === "accepted");
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const questionsOf = async (instance: TestInstance, user: TestUser, group: string) =>
  (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group}/questions`)).body.items as Array<{ post: { uri: string } }>;

describe("the per-group questions setting", () => {
  it("starts on, so groups that held questions before keep working, on every instance", async () => {
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support")).body.questionsEnabled).toBe(true);
    expect((await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${remote()}`)).body.questionsEnabled).toBe(true);
    const asked = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: `@support@${a.host}`, kind: "question", content: "Where are my invoices?" });
    expect(asked.status).toBe(201);
    await eventually(async () => (await questionsOf(a, olga, "support")).some((q) => q.post.uri === asked.body.uri));
  });

  it("is changed only by the group's moderators, with a valid body, and leaves it intact otherwise", async () => {
    const member = await a.api(mia.token, "PATCH", "/api/ecotone/v1/groups/support/settings", { questionsEnabled: false });
    expect(member.status).toBe(403);
    const bad = await a.api(olga.token, "PATCH", "/api/ecotone/v1/groups/support/settings", { questionsEnabled: "maybe" });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const elsewhere = await b.api(bea.token, "PATCH", `/api/ecotone/v1/groups/${remote()}/settings`, { questionsEnabled: false });
    expect(elsewhere.status).toBe(422);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support")).body.questionsEnabled).toBe(true);
  });

  it("turned off, refuses a question with a clear error here and on member instances, and records who did it", async () => {
    const off = await a.api(olga.token, "PATCH", "/api/ecotone/v1/groups/support/settings", { questionsEnabled: false });
    expect(off.status).toBe(200);
    expect(off.body.questionsEnabled).toBe(false);

    const here = await a.api(mia.token, "POST", "/api/ecotone/v1/posts", { group: "support", kind: "question", content: "Can I pay by card?" });
    expect(here.status).toBe(403);
    expect(here.body.error.message).toMatch(/does not take questions/);

    // The member instance learns it from the group's Update, and refuses before sending.
    await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${remote()}`)).body.questionsEnabled === false);
    const before = (await questionsOf(b, bea, remote())).length;
    const there = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: `@support@${a.host}`, kind: "question", content: "Can I pay by card?" });
    expect(there.status).toBe(403);
    expect(there.body.error.message).toMatch(/ask the group's moderators to turn questions on/);
    expect((await questionsOf(b, bea, remote())).length).toBe(before);

    const log = await a.api(olga.token, "GET", "/api/ecotone/v1/admin/audit?action=group.settings_changed");
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([expect.objectContaining({ action: "group.settings_changed", actor: olga.handle, details: { questionsEnabled: false } })]);
  });

  it("keeps a #question post from an instance that ignores the setting as an ordinary post", async () => {
    // bea's instance posts an ordinary post tagged #question (as a server that
    // does not know the setting would): the home stores it, not as a question.
    const posted = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: `@support@${a.host}`, content: "Is there a rate limit? #question" });
    expect(posted.status).toBe(201);
    await eventually(async () => {
      const posts = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/posts");
      return posts.body.items.some((p: { uri: string }) => p.uri === posted.body.uri);
    });
    expect((await questionsOf(a, olga, "support")).some((q) => q.post.uri === posted.body.uri)).toBe(false);
  });

  it("is a checkbox for moderators in the web interface, and the question box goes away when it is off", async () => {
    const web = new WebVisitor(a.origin);
    await web.signIn("olga", "correct horse battery staple");
    const members = await web.get("/g/support/members");
    expect(members.text_).toContain('name="questionsEnabled"');
    expect((await web.get("/g/support")).text_).not.toContain("Ask as a question");
    await web.get("/g/support/members");
    const saved = await web.post("/g/support/settings", { questionsEnabled: "on" });
    expect(await web.flashAfter(saved)).toContain("Questions are on");
    expect((await web.get("/g/support")).text_).toContain("Ask as a question");
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support")).body.questionsEnabled).toBe(true);
  });
});
