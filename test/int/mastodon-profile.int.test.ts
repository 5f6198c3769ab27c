// A profile as apps show it: accounts/:id/statuses with Mastodon's filters
// (pinned, only_media, exclude_replies, exclude_reblogs, tagged), pins, and a
// group account's statuses being the group's timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
let aliceId: string;
const posts: Record<string, string> = {};

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHAgEA3bf1iAAAAABJRU5ErkJggg==", "base64");

async function upload(token: string) {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "pixel.png");
  const res = await fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  return (await res.json()).id as string;
}

async function post(token: string, body: Record<string, unknown>) {
  const res = await a.api(token, "POST", "/api/v1/statuses", body);
  expect(res.status).toBe(200);
  return res.body.id as string;
}

const ids = (body: Array<{ id: string }>) => body.map((s) => s.id);

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  aliceId = (await a.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.id;
  posts.plain = await post(alice.token, { status: "plain post" });
  posts.media = await post(alice.token, { status: "with a picture", media_ids: [await upload(alice.token)] });
  posts.tagged = await post(alice.token, { status: "about #Logistics" });
  posts.bobs = await post(bob.token, { status: "bob writes" });
  posts.replyToBob = await post(alice.token, { status: "a reply to bob", in_reply_to_id: posts.bobs });
  posts.selfReply = await post(alice.token, { status: "a thread of mine", in_reply_to_id: posts.plain });
  const boost = await a.api(alice.token, "POST", `/api/v1/statuses/${posts.bobs}/reblog`);
  posts.boost = boost.body.id;
});

afterAll(async () => {
  await a?.close();
});

describe("profile filters", () => {
  it("shows posts and boosts by default, newest first", async () => {
    const res = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([posts.boost, posts.selfReply, posts.replyToBob, posts.tagged, posts.media, posts.plain]);
    expect(res.body[0].reblog.id).toBe(posts.bobs);
  });

  it("only_media keeps posts with attachments", async () => {
    const res = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?only_media=true`);
    expect(ids(res.body)).toEqual([posts.media]);
  });

  it("exclude_replies drops replies to others but keeps a reply in one's own thread", async () => {
    const res = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?exclude_replies=1&exclude_reblogs=True`);
    expect(ids(res.body)).toEqual([posts.selfReply, posts.tagged, posts.media, posts.plain]);
  });

  it("exclude_reblogs drops boosts", async () => {
    const res = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?exclude_reblogs=true`);
    expect(ids(res.body)).not.toContain(posts.boost);
    expect(res.body.every((s: { reblog: unknown }) => s.reblog === null)).toBe(true);
  });

  it("tagged keeps posts with the hashtag, whatever its case", async () => {
    const res = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?tagged=LOGISTICS`);
    expect(ids(res.body)).toEqual([posts.tagged]);
  });
});

describe("pins", () => {
  it("pins own posts, lists them with pinned=true, and unpins", async () => {
    const none = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?pinned=true`);
    expect(none.body).toEqual([]);
    const pinned = await a.api(alice.token, "POST", `/api/v1/statuses/${posts.plain}/pin`);
    expect(pinned.status).toBe(200);
    expect(pinned.body.pinned).toBe(true);
    await a.api(alice.token, "POST", `/api/v1/statuses/${posts.tagged}/pin`);
    // Pinning again changes nothing.
    expect((await a.api(alice.token, "POST", `/api/v1/statuses/${posts.tagged}/pin`)).status).toBe(200);
    const list = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?pinned=true`);
    expect(ids(list.body)).toEqual([posts.tagged, posts.plain]);
    const mine = await a.api(alice.token, "GET", `/api/v1/statuses/${posts.plain}`);
    expect(mine.body.pinned).toBe(true);
    const unpinned = await a.api(alice.token, "POST", `/api/v1/statuses/${posts.plain}/unpin`);
    expect(unpinned.body.pinned).toBe(false);
    const after = await a.api(null, "GET", `/api/v1/accounts/${aliceId}/statuses?pinned=true`);
    expect(ids(after.body)).toEqual([posts.tagged]);
  });

  it("refuses to pin someone else's post, an unknown one, or a sixth", async () => {
    const others = await a.api(alice.token, "POST", `/api/v1/statuses/${posts.bobs}/pin`);
    expect(others.status).toBe(422);
    expect(others.body.error).toMatch(/own posts/);
    expect((await a.api(alice.token, "POST", "/api/v1/statuses/999999/pin")).status).toBe(404);
    const carol = await a.user("carol");
    for (let i = 0; i < 5; i++) {
      const id = await post(carol.token, { status: `pin me ${i}` });
      expect((await a.api(carol.token, "POST", `/api/v1/statuses/${id}/pin`)).status).toBe(200);
    }
    const sixth = await post(carol.token, { status: "one too many" });
    const refused = await a.api(carol.token, "POST", `/api/v1/statuses/${sixth}/pin`);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/at most 5/);
    const carolId = (await a.api(carol.token, "GET", "/api/v1/accounts/verify_credentials")).body.id;
    const list = await a.api(null, "GET", `/api/v1/accounts/${carolId}/statuses?pinned=true`);
    expect(list.body).toHaveLength(5);
  });
});

describe("a group account", () => {
  it("shows the group's timeline: posts written in it and posts shared into it", async () => {
    const group = await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "buyers", name: "Buyers", visibility: "public", joinPolicy: "open" });
    expect(group.status).toBeLessThan(300);
    const groupAccount = await a.api(null, "GET", "/api/v1/accounts/lookup?acct=buyers");
    expect(groupAccount.body.group).toBe(true);
    const inside = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { group: "buyers", content: "Welcome, buyers" });
    expect(inside.status).toBeLessThan(300);
    const shared = await a.api(alice.token, "POST", `/api/ecotone/v1/posts/${posts.plain}/share`, { group: "buyers" });
    expect(shared.status).toBeLessThan(300);
    const res = await a.api(null, "GET", `/api/v1/accounts/${groupAccount.body.id}/statuses`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(expect.arrayContaining([inside.body.id, posts.plain]));
    expect(res.body).toHaveLength(2);
  });

  it("shows a members-only group's posts to members only", async () => {
    await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "board", name: "Board", visibility: "members_only", joinPolicy: "approval" });
    const inside = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Board minutes" });
    const board = await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=board");
    const member = await a.api(alice.token, "GET", `/api/v1/accounts/${board.body.id}/statuses`);
    expect(ids(member.body)).toEqual([inside.body.id]);
    const outsider = await a.api(bob.token, "GET", `/api/v1/accounts/${board.body.id}/statuses`);
    expect(outsider.body).toEqual([]);
  });
});
