// The home's figures on every instance: votes on an idea and likes of a post
// in a group come from members on three instances, and every instance shows
// the totals the group's home counted — not only what it saw itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser;
let otto: TestUser;
let bea: TestUser;
let cid: TestUser;
const group = () => encodeURIComponent(`@figures@${a.host}`);

async function join(instance: TestInstance, user: TestUser) {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
}

/** The id of the post with this uri on an instance, once it has arrived there. */
async function localId(instance: TestInstance, user: TestUser, uri: string): Promise<string> {
  const found = await eventually(async () => {
    const res = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/posts`);
    return res.body.items?.find((p: { uri: string }) => p.uri === uri)?.id ?? null;
  });
  return found as string;
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  olga = await a.user("olga");
  otto = await a.user("otto");
  bea = await b.user("bea");
  cid = await c.user("cid");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "figures", name: "Figures", visibility: "public" });
  await join(a, otto);
  await join(b, bea);
  await join(c, cid);
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("the home's figures on every instance", () => {
  it("shows an idea's vote total as the home counts it: 2 votes on A, 1 on B, 1 on C", async () => {
    const proposed = await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${group()}/ideas`, { title: "Bulk export", content: "Please." });
    expect(proposed.status).toBe(201);
    const idea = (instance: TestInstance, user: TestUser) =>
      eventually(async () => {
        const board = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/ideas`);
        return board.body.items.find((i: { title: string }) => i.title === "Bulk export") ?? null;
      });
    const onA = (await idea(a, olga)).id;
    const onC = (await idea(c, cid)).id;
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${onA}/vote`)).status).toBeLessThan(300);
    expect((await a.api(otto.token, "POST", `/api/ecotone/v1/ideas/${onA}/vote`)).status).toBeLessThan(300);
    expect((await b.api(bea.token, "POST", `/api/ecotone/v1/ideas/${proposed.body.post.id}/vote`)).status).toBeLessThan(300);
    expect((await c.api(cid.token, "POST", `/api/ecotone/v1/ideas/${onC}/vote`)).status).toBeLessThan(300);

    await eventually(async () => (await a.api(olga.token, "GET", `/api/ecotone/v1/ideas/${onA}`)).body.votes === 4, 30_000);
    await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/ideas/${proposed.body.post.id}`)).body.votes === 4, 30_000);
    await eventually(async () => (await c.api(cid.token, "GET", `/api/ecotone/v1/ideas/${onC}`)).body.votes === 4, 30_000);
    // The board ranks by the same figure, and the web interface shows it.
    expect((await idea(b, bea)).votes).toBe(4);
    const web = new WebVisitor(c.origin);
    await web.signIn("cid", "correct horse battery staple");
    expect((await web.get(`/ideas/${onC}`)).text_).toContain("4 votes");
    expect((await web.get(`/g/${group()}/ideas`)).text_).toContain('aria-label="4 votes"');
  }, 120_000);

  it("shows a post's like count as the home counts it, and an unlike everywhere", async () => {
    const written = await a.api(otto.token, "POST", "/api/ecotone/v1/posts", { group: "figures", content: "Our shipping window moved to Tuesday." });
    expect(written.status).toBe(201);
    const uri = written.body.uri as string;
    const onA = written.body.id as string;
    const onB = await localId(b, bea, uri);
    const onC = await localId(c, cid, uri);
    for (const [instance, user, id] of [
      [a, olga, onA],
      [a, otto, onA],
      [b, bea, onB],
      [c, cid, onC],
    ] as const) {
      expect((await instance.api(user.token, "POST", `/api/ecotone/v1/posts/${id}/like`)).status).toBeLessThan(300);
    }
    const likesOn = async (instance: TestInstance, user: TestUser, id: string) =>
      (await instance.api(user.token, "GET", `/api/ecotone/v1/posts/${id}`)).body.likeCount;
    for (const [instance, user, id] of [
      [a, olga, onA],
      [b, bea, onB],
      [c, cid, onC],
    ] as const) {
      await eventually(async () => (await likesOn(instance, user, id)) === 4, 30_000);
    }
    expect((await a.api(otto.token, "DELETE", `/api/ecotone/v1/posts/${onA}/like`)).status).toBeLessThan(300);
    for (const [instance, user, id] of [
      [a, olga, onA],
      [b, bea, onB],
      [c, cid, onC],
    ] as const) {
      await eventually(async () => (await likesOn(instance, user, id)) === 3, 30_000);
    }
    // The home publishes the same totals on the post, as Mastodon does, for
    // servers that show counts from the object (likes/shares totalItems).
    const object = await (await fetch(uri, { headers: { accept: "application/activity+json" } })).json();
    expect(object.likes.totalItems).toBe(3);
    const status = await a.api(olga.token, "GET", `/api/v1/statuses/${onA}`);
    expect(object.shares.totalItems).toBe(status.body.reblogs_count);
  }, 120_000);
});
