// Hostile input from other servers and from API clients: each case checks
// the rejection and that nothing stored changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePeer, type FakePeer } from "../helpers/fake-peer.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let peer: FakePeer;
let olga: TestUser;
let outsider: TestUser;
let memberPost: { id: string; uri: string };

async function inboxIdle(instance: TestInstance) {
  await eventually(async () => {
    const rows = await instance.app.ctx.db.selectFrom("fedify_queue").select("id").where("queue", "=", "inbox").execute();
    return rows.length === 0;
  });
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startFakePeer();
  olga = await a.user("olga");
  outsider = await a.user("outsider");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "board", visibility: "members_only" });
  const post = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Confidential figures" });
  memberPost = post.body;
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("activities about someone else's objects", () => {
  it("refuses an Update or a Delete of a post by someone who is not its author", async () => {
    const mallory = await peer.addActor("mallory");
    const update = await peer.post(
      `${a.origin}/inbox`,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${peer.origin}/activities/evil-update`,
        type: "Update",
        actor: mallory.uri,
        object: { id: memberPost.uri, type: "Note", attributedTo: mallory.uri, content: "<p>Hacked</p>" },
      },
      mallory.keyId,
    );
    expect(update.status).toBeLessThan(300);
    const del = await peer.post(
      `${a.origin}/inbox`,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${peer.origin}/activities/evil-delete`,
        type: "Delete",
        actor: mallory.uri,
        object: memberPost.uri,
      },
      mallory.keyId,
    );
    expect(del.status).toBeLessThan(300);
    await inboxIdle(a);
    const row = await a.app.ctx.db.selectFrom("posts").select(["content_html"]).where("uri", "=", memberPost.uri).executeTakeFirst();
    expect(row?.content_html).toContain("Confidential figures");
    const tomb = await a.app.ctx.db.selectFrom("tombstones").select("uri").where("uri", "=", memberPost.uri).execute();
    expect(tomb).toEqual([]);
  });

  it("does not take a person's Announce of a group post as a group relay", async () => {
    const mallory = await peer.addActor("mallory2");
    await peer.post(
      `${a.origin}/inbox`,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${peer.origin}/activities/fake-relay`,
        type: "Announce",
        actor: mallory.uri,
        object: {
          id: `${peer.origin}/activities/fake-create`,
          type: "Create",
          actor: `${a.origin}/users/olga`,
          object: {
            id: `${peer.origin}/notes/forged`,
            type: "Note",
            attributedTo: `${a.origin}/users/olga`,
            content: "Forged",
            to: [`${a.origin}/users/board`],
          },
        },
      },
      mallory.keyId,
    );
    await inboxIdle(a);
    const forged = await a.app.ctx.db.selectFrom("posts").select("uri").where("uri", "=", `${peer.origin}/notes/forged`).execute();
    expect(forged).toEqual([]);
  });
});

describe("documents that lie about themselves", () => {
  it("refuses an actor document whose id names another origin", async () => {
    const victim = `${b.origin}/users/victim`;
    peer.serve("/users/liar", {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: victim,
      type: "Person",
      preferredUsername: "victim",
      inbox: `${peer.origin}/users/liar/inbox`,
    });
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/follows", { target: `${peer.origin}/users/liar` });
    expect(res.status).toBe(404);
    const cached = await a.app.ctx.db.selectFrom("actors").select("uri").where("uri", "=", victim).execute();
    expect(cached).toEqual([]);
  });

  it("stores a remote actor's name as plain text and its bio without scripts", async () => {
    peer.serve("/users/xss", {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${peer.origin}/users/xss`,
      type: "Person",
      preferredUsername: "xss",
      name: "<img src=x onerror=alert(1)>Eve & co",
      summary: '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">link</a></p>',
      inbox: `${peer.origin}/users/xss/inbox`,
    });
    const res = await a.api(olga.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(`${peer.origin}/users/xss`)}`);
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe("Eve & co");
    const account = await a.api(olga.token, "GET", `/api/v1/accounts/${res.body.id}`);
    expect(account.body.note).not.toMatch(/script|onclick|javascript:/);
    expect(account.body.note).toContain("Hi");
  });
});

describe("members-only content through the Mastodon API", () => {
  it("answers 404 to a non-member on every endpoint that takes the post's id", async () => {
    const id = memberPost.id;
    for (const [method, path] of [
      ["GET", `/api/v1/statuses/${id}`],
      ["GET", `/api/v1/statuses/${id}/context`],
      ["GET", `/api/v1/statuses/${id}/favourited_by`],
      ["GET", `/api/v1/statuses/${id}/reblogged_by`],
      ["POST", `/api/v1/statuses/${id}/favourite`],
      ["POST", `/api/v1/statuses/${id}/reblog`],
      ["POST", `/api/v1/statuses/${id}/bookmark`],
      ["GET", `/api/ecotone/v1/posts/${id}`],
      ["GET", `/api/ecotone/v1/posts/${id}/thread`],
      ["GET", `/api/ecotone/v1/posts/${id}/history`],
      ["POST", `/api/ecotone/v1/posts/${id}/like`],
    ] as const) {
      const res = await a.api(outsider.token, method, path);
      expect([res.status, path]).toEqual([404, path]);
    }
    const likes = await a.app.ctx.db.selectFrom("likes").select("post_id").where("post_id", "=", id).execute();
    expect(likes).toEqual([]);
  });

  it("rejects deeply nested and oversized JSON bodies cleanly", async () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const res = await fetch(`${a.origin}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${olga.token}`, "content-type": "application/json" },
      body: deep,
    });
    expect([400, 422]).toContain(res.status);
    const big = await fetch(`${a.origin}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${olga.token}`, "content-type": "application/json" },
      body: JSON.stringify({ status: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
  });

  it("drops prototype keys in a query, a form and a JSON body: no object in the process changes, the request still works", async () => {
    const auth = { authorization: `Bearer ${olga.token}` };
    const query = await fetch(`${a.origin}/api/v1/timelines/public?__proto__[polluted]=1&constructor[prototype][polluted]=1&limit=5`, { headers: auth });
    expect(query.status).toBe(200);
    const form = await fetch(`${a.origin}/api/v1/statuses`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
      body: "status=Plain+text&__proto__[polluted]=1&poll[__proto__][polluted]=1",
    });
    const json = await fetch(`${a.origin}/api/v1/statuses`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ status: "Also plain", "__proto__[polluted]": "1", "media_ids[__proto__]": "1" }),
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The honest fields of the same requests were taken (control).
    expect(form.status).toBe(200);
    expect(json.status).toBe(200);
    expect(((await json.json()) as { content: string }).content).toContain("Also plain");
  });
});

describe("signatures that do not fit the request", () => {
  it("refuses a signature made for another path, and one made two hours ago", async () => {
    const trudy = await peer.addActor("trudy");
    const follow = (id: string) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id,
      type: "Follow",
      actor: trudy.uri,
      object: `${a.origin}/users/olga`,
    });
    const otherPath = await peer.post(`${a.origin}/users/olga/inbox`, follow(`${peer.origin}/f/1`), trudy.keyId, undefined, {
      signedFor: `${a.origin}/inbox`,
    });
    expect(otherPath.status).toBe(401);
    const stale = await peer.post(`${a.origin}/users/olga/inbox`, follow(`${peer.origin}/f/2`), trudy.keyId, undefined, {
      signedAt: new Date(Date.now() - 2 * 3600_000),
    });
    expect(stale.status).toBe(401);
    const followers = await a.api(null, "GET", "/api/ecotone/v1/users/olga/followers");
    expect(followers.body.items).toEqual([]);
  });
});
