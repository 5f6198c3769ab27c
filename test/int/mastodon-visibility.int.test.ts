// Visibility as a Mastodon app sends it, on one instance: what is refused
// (with a clear 422 and nothing stored), how group posts keep their group's
// audience, how replies keep their thread's, and conversations' own errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

const count = async (token: string) => {
  const me = (await a.api(token, "GET", "/api/v1/accounts/verify_credentials")).body;
  return (await a.api(token, "GET", `/api/v1/accounts/${me.id}/statuses`)).body.length as number;
};

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "market", name: "Market", visibility: "public", joinPolicy: "open" });
});

afterAll(async () => {
  await a?.close();
});

describe("posting with a visibility", () => {
  it("refuses an unknown visibility with a 422 naming the choices, and stores nothing", async () => {
    const before = await count(alice.token);
    const res = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "hello", visibility: "limited" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/public, unlisted, private, direct/);
    expect(await count(alice.token)).toBe(before);
  });

  it("refuses followers-only in a public group instead of publishing it", async () => {
    const before = await count(alice.token);
    const res = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "@market secret numbers", visibility: "private" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/public/);
    expect(await count(alice.token)).toBe(before);
  });

  it("keeps a direct message that names a group out of the group", async () => {
    const res = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "@bob shall we post this in @market?", visibility: "direct" });
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe("direct");
    const group = (await a.api(bob.token, "GET", "/api/v1/accounts/lookup?acct=market")).body;
    const inGroup = (await a.api(bob.token, "GET", `/api/v1/accounts/${group.id}/statuses`)).body;
    expect(inGroup.map((s: { id: string }) => s.id)).not.toContain(res.body.id);
    // bob, named, reads it; it is in his home timeline and his conversations.
    expect((await a.api(bob.token, "GET", `/api/v1/statuses/${res.body.id}`)).status).toBe(200);
    expect((await a.api(bob.token, "GET", "/api/v1/timelines/home")).body.map((s: { id: string }) => s.id)).toContain(res.body.id);
    expect((await a.api(bob.token, "GET", "/api/v1/conversations")).body[0].last_status.id).toBe(res.body.id);
  });

  it("keeps a reply as narrow as what it answers", async () => {
    const parent = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "followers only, @bob", visibility: "private" });
    const reply = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "@alice noted", in_reply_to_id: parent.body.id, visibility: "public" });
    expect(reply.status).toBe(200);
    expect(reply.body.visibility).toBe("private");
    expect((await a.api(null, "GET", `/api/v1/statuses/${reply.body.id}`)).status).toBe(404);
  });

  it("does not boost followers-only or direct posts", async () => {
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "@bob just us", visibility: "direct" });
    const boost = await a.api(bob.token, "POST", `/api/v1/statuses/${post.body.id}/reblog`);
    expect(boost.status).toBe(403);
    expect(boost.body.error).toMatch(/public and unlisted/);
    const unlisted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "quiet news", visibility: "unlisted" });
    expect((await a.api(bob.token, "POST", `/api/v1/statuses/${unlisted.body.id}/reblog`)).status).toBe(200);
  });
});

describe("conversations", () => {
  it("answers 404 for a conversation that is not the caller's, and needs a token", async () => {
    const [mine] = (await a.api(bob.token, "GET", "/api/v1/conversations")).body;
    expect((await a.api(alice.token, "DELETE", `/api/v1/conversations/${mine.id}x`)).status).toBe(404);
    expect((await a.api(null, "GET", "/api/v1/conversations")).status).toBe(401);
    const others = (await a.api(alice.token, "GET", "/api/v1/conversations")).body.map((x: { id: string }) => x.id);
    expect(others).not.toContain(mine.id);
    expect((await a.api(alice.token, "POST", `/api/v1/conversations/${mine.id}/read`)).status).toBe(404);
    expect((await a.api(bob.token, "GET", "/api/v1/conversations")).body.find((x: { id: string }) => x.id === mine.id).unread).toBe(true);
  });
});
