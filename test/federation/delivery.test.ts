// Delivery: one delivery per member instance per post (shared inboxes), and
// an instance that is down while a post is made receives it when it is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let owner: TestUser;
const members: Array<{ instance: TestInstance; user: TestUser }> = [];

async function visibleTo(instance: TestInstance, user: TestUser, uri: string): Promise<boolean> {
  const res = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@partners@${a.host}`)}/posts`);
  return res.status === 200 && res.body.items.some((p: { uri: string }) => p.uri === uri);
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  owner = await a.user("owner");
  const created = await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "partners", joinPolicy: "open" });
  expect(created.status).toBe(201);
  // Two members on B and two on C: still one delivery per instance.
  for (const [instance, name] of [
    [b, "b1"],
    [b, "b2"],
    [c, "c1"],
    [c, "c2"],
  ] as const) {
    const user = await instance.user(name);
    const res = await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@partners@${a.host}`)}/join`);
    expect([200, 202]).toContain(res.status);
    members.push({ instance, user });
  }
  await eventually(async () => {
    const res = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/partners/members");
    return res.body.items.length === 5;
  });
});

/** Waits until no inbox POST has reached B or C for a whole second (earlier Accepts and relays done). */
async function quiet(): Promise<void> {
  let last = -1;
  await eventually(async () => {
    const now = b.app.stats.inboxPosts + c.app.stats.inboxPosts;
    const still = now === last;
    last = now;
    if (!still) await new Promise((resolve) => setTimeout(resolve, 1_000));
    return still;
  }, 60_000);
}

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("group delivery", () => {
  it("sends each member instance one delivery per post, through its shared inbox", async () => {
    // Let earlier traffic (Accepts) settle, then count.
    await quiet();
    const before = { b: b.app.stats.inboxPosts, c: c.app.stats.inboxPosts };
    const post = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "partners", content: "Quarterly review on Friday" });
    expect(post.status).toBe(201);
    for (const { instance, user } of members) await eventually(() => visibleTo(instance, user, post.body.uri));
    await quiet();
    expect(b.app.stats.inboxPosts - before.b).toBe(1);
    expect(c.app.stats.inboxPosts - before.c).toBe(1);
  });

  it("delivers to an instance that was down when the post was made, once it is back", async () => {
    await c.stop();
    const post = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "partners", content: "Sent while C was down" });
    expect(post.status).toBe(201);
    const [b1] = members;
    await eventually(() => visibleTo(b1!.instance, b1!.user, post.body.uri));
    // The delivery to C failed and waits for a retry.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await c.start();
    const c1 = members.find((m) => m.user.username === "c1")!;
    await eventually(() => visibleTo(c, c1.user, post.body.uri), 30_000);
  });
});
