// Editing from an app (status source and edit history), the favourites list,
// one notification by id, and dismissing it — the shapes of
// docs.joinmastodon.org (StatusSource, StatusEdit, Status, Notification).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstanceWithUsers, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { setRole } from "../../src/services/accounts/user.service.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ({
    instance: a,
    users: { alice, bob },
  } = await startInstanceWithUsers("alice", "bob"));
});

afterAll(async () => {
  await a?.close();
});

describe("editing from source", () => {
  it("gives the typed text back, and every version in history", async () => {
    const posted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Meet at 10 #planning @bob", spoiler_text: "logistics" });
    const source = await a.api(alice.token, "GET", `/api/v1/statuses/${posted.body.id}/source`);
    expect(source.status).toBe(200);
    expect(source.body).toEqual({ id: posted.body.id, text: "Meet at 10 #planning @bob", spoiler_text: "logistics" });

    const unedited = await a.api(alice.token, "GET", `/api/v1/statuses/${posted.body.id}/history`);
    expect(unedited.body).toHaveLength(1);

    const edited = await a.api(alice.token, "PUT", `/api/v1/statuses/${posted.body.id}`, { status: "Meet at 11 #planning @bob", spoiler_text: "logistics" });
    expect(edited.status).toBe(200);
    expect(edited.body.edited_at).not.toBeNull();
    const after = await a.api(alice.token, "GET", `/api/v1/statuses/${posted.body.id}/source`);
    expect(after.body.text).toBe("Meet at 11 #planning @bob");

    const history = await a.api(alice.token, "GET", `/api/v1/statuses/${posted.body.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body).toHaveLength(2);
    expect(history.body[0].content).toContain("Meet at 10");
    expect(history.body[1].content).toContain("Meet at 11");
    for (const version of history.body) {
      expect(Object.keys(version).sort()).toEqual(["account", "content", "created_at", "emojis", "media_attachments", "poll", "sensitive", "spoiler_text"]);
      expect(version.account.username).toBe("alice");
    }
    expect(Date.parse(history.body[0].created_at)).toBeLessThanOrEqual(Date.parse(history.body[1].created_at));
  });

  it("answers 404 for a post the caller may not see, and 401 without a token", async () => {
    expect((await a.api(alice.token, "GET", "/api/v1/statuses/123456/source")).status).toBe(404);
    const posted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "x" });
    expect((await a.api(null, "GET", `/api/v1/statuses/${posted.body.id}/source`)).status).toBe(401);
  });
});

describe("favourites and bookmarks lists", () => {
  it("lists what I liked, most recently liked first, paged by Link", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.api(bob.token, "POST", "/api/v1/statuses", { status: `likeable ${i}` })).body.id);
    // Liked in another order than written.
    for (const id of [ids[1], ids[0], ids[2]]) await a.api(alice.token, "POST", `/api/v1/statuses/${id}/favourite`);
    const first = await fetch(`${a.origin}/api/v1/favourites?limit=2`, { headers: { authorization: `Bearer ${alice.token}` } });
    const page = await first.json();
    expect(page.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[0]]);
    expect(page.every((s: { favourited: boolean }) => s.favourited)).toBe(true);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")![1]!;
    const second = await (await fetch(next, { headers: { authorization: `Bearer ${alice.token}` } })).json();
    expect(second.map((s: { id: string }) => s.id)).toEqual([ids[1]]);
    await a.api(alice.token, "POST", `/api/v1/statuses/${ids[0]}/unfavourite`);
    const after = await a.api(alice.token, "GET", "/api/v1/favourites");
    expect(after.body.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
  });

  it("marks bookmarked statuses wherever they appear", async () => {
    const posted = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "keep this" });
    await a.api(alice.token, "POST", `/api/v1/statuses/${posted.body.id}/bookmark`);
    const read = await a.api(alice.token, "GET", `/api/v1/statuses/${posted.body.id}`);
    expect(read.body.bookmarked).toBe(true);
    const other = await a.api(bob.token, "GET", `/api/v1/statuses/${posted.body.id}`);
    expect(other.body.bookmarked).toBe(false);
  });
});

describe("one notification", () => {
  it("reads a notification by id, dismisses it, and then it is gone", async () => {
    const posted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "ping" });
    await a.api(bob.token, "POST", `/api/v1/statuses/${posted.body.id}/favourite`);
    const list = await a.api(alice.token, "GET", "/api/v1/notifications?types[]=favourite");
    const id = list.body[0].id;
    const one = await a.api(alice.token, "GET", `/api/v1/notifications/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list.body[0]);
    expect((await a.api(bob.token, "GET", `/api/v1/notifications/${id}`)).status).toBe(404);
    expect((await a.api(alice.token, "POST", "/api/v1/notifications/dismiss", { id: Number.isSafeInteger(Number(id)) ? Number(id) : id })).status).toBe(200);
    expect((await a.api(alice.token, "GET", `/api/v1/notifications/${id}`)).status).toBe(404);
    expect((await a.api(alice.token, "POST", "/api/v1/notifications/dismiss", {})).status).toBe(422);
  });
});

describe("reports", () => {
  it("files a report that the instance's moderators see, and refuses one without an account", async () => {
    const post = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "spam spam spam" });
    const res = await a.api(alice.token, "POST", "/api/v1/reports", { account_id: post.body.account.id, status_ids: [post.body.id], comment: "spam" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ action_taken: false, comment: "spam", forwarded: false, status_ids: [post.body.id], target_account: { username: "bob" } });
    const mod = await a.user("mod");
    await setRole(a.app.ctx, "mod", "moderator");
    const open = await a.api(mod.token, "GET", "/api/ecotone/v1/reports");
    expect(JSON.stringify(open.body)).toContain(res.body.id);
    expect((await a.api(alice.token, "POST", "/api/v1/reports", { comment: "who?" })).status).toBe(422);
    expect((await a.api(alice.token, "POST", "/api/v1/reports", { account_id: "999999" })).status).toBe(404);
  });
});
