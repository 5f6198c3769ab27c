// Three instances: a group on A with members from B and C. Joining with
// approval, posts reaching every member instance once, replies threading
// under the original, likes, edits and deletes propagating, and members-only
// content refused to outsiders.
import { Temporal } from "@js-temporal/polyfill";
import { Note, Update } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let owner: TestUser;
let bea: TestUser;
let cid: TestUser;
let groupHandle: string;

const AP = { accept: "application/activity+json" };

async function postsOn(instance: TestInstance, token: string, group: string) {
  const res = await instance.api(token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as Array<{ id: string; uri: string; contentHtml: string; likeCount: number; replyCount: number; editedAt: string | null }>;
}

async function findPost(instance: TestInstance, token: string, uri: string) {
  const posts = await postsOn(instance, token, groupHandle);
  return posts.find((p) => p.uri === uri);
}

async function join(instance: TestInstance, user: TestUser) {
  const res = await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}/join`);
  expect([200, 202]).toContain(res.status);
  return res;
}

async function approveAll() {
  const pending = await eventually(async () => {
    const res = await a.api(owner.token, "GET", `/api/ecotone/v1/groups/suppliers/members?state=pending`);
    return res.body.items.length > 0 ? res.body.items : null;
  });
  for (const request of pending) {
    const res = await a.api(owner.token, "POST", `/api/ecotone/v1/groups/suppliers/requests/${request.requestId}/approve`);
    expect(res.status).toBe(204);
  }
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  owner = await a.user("olga");
  bea = await b.user("bea");
  cid = await c.user("cid");
  groupHandle = `@suppliers@${a.host}`;
  const created = await a.api(owner.token, "POST", "/api/ecotone/v1/groups", {
    slug: "suppliers",
    name: "Acme suppliers",
    visibility: "members_only",
    joinPolicy: "approval",
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("a members-only group across three instances", () => {
  it("members from B and C join with approval", async () => {
    const fromB = await join(b, bea);
    expect(fromB.body.state).toBe("pending");
    await approveAll();
    await eventually(
      async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}`)).body.membership?.state === "accepted",
    );
    await join(c, cid);
    await approveAll();
    await eventually(
      async () => (await c.api(cid.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}`)).body.membership?.state === "accepted",
    );
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/suppliers/members");
    expect(members.body.items.map((m: { actor: { handle: string } }) => m.actor.handle).sort()).toEqual([owner.handle, bea.handle, cid.handle].sort());
  });

  let postUri: string;
  let postIdOnB: string;

  it("a post from B reaches the group on A and every member instance", async () => {
    const res = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", {
      group: groupHandle,
      content: "Delivery schedule for week 48 <script>alert(1)</script> #logistics",
    });
    expect(res.status).toBe(201);
    postUri = res.body.uri;
    postIdOnB = res.body.id;
    expect(res.body.visibility).toBe("members_only");
    expect(res.body.contentHtml).not.toContain("<script>");

    const onA = (await eventually(() => findPost(a, owner.token, postUri)))!;
    expect(onA.contentHtml).toContain("Delivery schedule");
    expect(onA.contentHtml).not.toContain("<script");
    const onC = (await eventually(() => findPost(c, cid.token, postUri)))!;
    expect(onC.contentHtml).toContain("week 48");
  });

  it("a reply from C threads under the original on every instance", async () => {
    const onC = (await findPost(c, cid.token, postUri))!;
    const reply = await c.api(cid.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onC.id, content: "Confirmed for Tuesday." });
    expect(reply.status).toBe(201);
    for (const [instance, user] of [
      [a, owner],
      [b, bea],
    ] as const) {
      await eventually(async () => {
        const original = await findPost(instance, user.token, postUri);
        if (!original) return false;
        const thread = await instance.api(user.token, "GET", `/api/ecotone/v1/posts/${original.id}/thread`);
        return thread.body.items.some((p: { uri: string; threadUri: string }) => p.uri === reply.body.uri && p.threadUri === postUri);
      });
    }
  });

  it("likes, edits and deletes propagate", async () => {
    const onA = (await findPost(a, owner.token, postUri))!;
    const liked = await a.api(owner.token, "POST", `/api/ecotone/v1/posts/${onA.id}/like`);
    expect(liked.body.likeCount).toBe(1);
    await eventually(async () => (await findPost(b, bea.token, postUri))?.likeCount === 1);
    await eventually(async () => (await findPost(c, cid.token, postUri))?.likeCount === 1);

    const edited = await b.api(bea.token, "PATCH", `/api/ecotone/v1/posts/${postIdOnB}`, { content: "Delivery schedule for week 49" });
    expect(edited.status).toBe(200);
    await eventually(async () => (await findPost(c, cid.token, postUri))?.contentHtml.includes("week 49"));
    const onC = (await findPost(c, cid.token, postUri))!;
    expect(onC.editedAt).not.toBeNull();
    const history = await c.api(cid.token, "GET", `/api/ecotone/v1/posts/${onC.id}/history`);
    expect(history.body.items[0].contentHtml).toContain("week 48");

    const deleted = await b.api(bea.token, "DELETE", `/api/ecotone/v1/posts/${postIdOnB}`);
    expect(deleted.status).toBe(204);
    await eventually(async () => (await findPost(a, owner.token, postUri)) === undefined);
    await eventually(async () => (await findPost(c, cid.token, postUri)) === undefined);
  });

  it("refuses members-only content to outsiders, signed or not", async () => {
    const post = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "suppliers", content: "Price list attached." });
    expect(post.status).toBe(201);
    // Unsigned fetch of the post, the member list: 404, nothing learned.
    expect((await fetch(post.body.uri, { headers: AP })).status).toBe(404);
    expect((await fetch(`${a.origin}/users/suppliers/followers`, { headers: AP })).status).toBe(404);
    // An outsider on A, through the API.
    const eve = await a.user("eve");
    expect((await a.api(eve.token, "GET", `/api/ecotone/v1/posts/${post.body.id}`)).status).toBe(404);
    expect((await a.api(eve.token, "GET", `/api/ecotone/v1/groups/suppliers/posts`)).status).toBe(404);
    expect((await a.api(eve.token, "GET", `/api/ecotone/v1/groups/suppliers/members`)).status).toBe(404);
    // A signed fetch by an outsider's instance (no members there).
    const outsider = (await startInstances(1))[0]!;
    try {
      const ctx = outsider.app.federation.createContext(new URL(outsider.origin), outsider.app.ctx);
      const loader = await ctx.getDocumentLoader({ identifier: "__instance__" });
      await expect(loader(post.body.uri)).rejects.toThrow();
      // The members' instances may fetch it on their behalf.
      const memberCtx = b.app.federation.createContext(new URL(b.origin), b.app.ctx);
      const memberLoader = await memberCtx.getDocumentLoader({ identifier: "__instance__" });
      const doc = await memberLoader(post.body.uri);
      expect((doc.document as { content: string }).content).toContain("Price list");
    } finally {
      await outsider.close();
    }
  });

  it("a banned member's posts and edits are refused and deliveries to them stop", async () => {
    const old = await c.api(cid.token, "POST", "/api/ecotone/v1/posts", { group: groupHandle, content: "Widgets at list price" });
    expect(old.status).toBe(201);
    await eventually(async () => (await findPost(b, bea.token, old.body.uri)) !== undefined);
    const ban = await a.api(owner.token, "POST", "/api/ecotone/v1/groups/suppliers/bans", { target: cid.handle, reason: "spam" });
    expect(ban.status).toBe(204);
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/suppliers/members");
    expect(members.body.items.map((m: { actor: { handle: string } }) => m.actor.handle)).not.toContain(cid.handle);

    // C may still believe it is a member (the ban's notice may not have arrived yet); if it
    // sends its post, the group refuses it.
    const spam = await c.api(cid.token, "POST", "/api/ecotone/v1/posts", { group: groupHandle, content: "Buy cheap widgets" });
    expect([201, 403]).toContain(spam.status);
    // Nor may C rewrite its earlier post: the home would relay the edit to every member as the
    // group's word. The Update is sent as C's server would send it, whatever C has heard of the ban.
    const group = (await a.api(owner.token, "GET", "/api/ecotone/v1/groups/suppliers")).body.actor as { uri: string };
    const federation = c.app.federation.createContext(new URL(c.origin), c.app.ctx);
    await federation.sendActivity(
      { identifier: "cid" },
      { id: new URL(group.uri), inboxId: new URL(`${a.origin}/inbox`) },
      new Update({
        id: new URL(`${cid.uri}#updates/after-the-ban`),
        actor: new URL(cid.uri),
        to: new URL(group.uri),
        object: new Note({
          id: new URL(old.body.uri),
          attribution: new URL(cid.uri),
          to: new URL(group.uri),
          content: "REWRITTEN after the ban",
          updated: Temporal.Now.instant(),
        }),
      }),
    );
    // C has sent what it had to send (the post and the edit), and A has answered.
    await eventually(
      async () => (await c.app.ctx.db.selectFrom("fedify_queue").select("id").where("queue", "in", ["outbox", "fanout"]).execute()).length === 0,
    );
    const fresh = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "suppliers", content: "Members only: new terms" });
    await eventually(async () => (await findPost(b, bea.token, fresh.body.uri)) !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (spam.status === 201) {
      expect(await findPost(a, owner.token, spam.body.uri)).toBeUndefined();
      expect(await findPost(b, bea.token, spam.body.uri)).toBeUndefined();
    }
    for (const [instance, token] of [
      [a, owner.token],
      [b, bea.token],
    ] as const) {
      expect((await findPost(instance, token, old.body.uri))?.contentHtml).toContain("Widgets at list price");
    }
    // …and C no longer receives the group's posts.
    const onC = await c.app.ctx.db.selectFrom("posts").select("uri").where("uri", "=", fresh.body.uri).execute();
    expect(onC).toEqual([]);
  });
});
