// Hashtags as apps use them: a tag's page with its week of use, following a
// tag (its public posts join my home timeline), followed_tags, and featured
// tags on a profile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstanceWithUsers, type TestInstance, type TestUser } from "../helpers/instances.ts";

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

describe("following a hashtag", () => {
  it("shows the tag, follows it, and brings its public posts into home", async () => {
    const before = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "Old news #Freight" });
    const tag = await a.api(alice.token, "GET", "/api/v1/tags/Freight");
    expect(tag.status).toBe(200);
    expect(tag.body).toMatchObject({ name: "freight", url: `${a.origin}/tags/freight`, following: false });
    expect(tag.body.history[0]).toMatchObject({ uses: "1", accounts: "1" });

    const home = await a.api(alice.token, "GET", "/api/v1/timelines/home");
    expect(home.body.map((s: { id: string }) => s.id)).not.toContain(before.body.id);

    const followed = await a.api(alice.token, "POST", "/api/v1/tags/freight/follow");
    expect(followed.body.following).toBe(true);
    const after = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "New lanes #freight" });
    const untagged = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "lunch" });
    const ids = (await a.api(alice.token, "GET", "/api/v1/timelines/home")).body.map((s: { id: string }) => s.id);
    expect(ids).toContain(after.body.id);
    expect(ids).toContain(before.body.id);
    expect(ids).not.toContain(untagged.body.id);

    const list = await a.api(alice.token, "GET", "/api/v1/followed_tags");
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(["freight"]);

    const unfollowed = await a.api(alice.token, "POST", "/api/v1/tags/freight/unfollow");
    expect(unfollowed.body.following).toBe(false);
    expect((await a.api(alice.token, "GET", "/api/v1/followed_tags")).body).toEqual([]);
  });

  it("refuses a name that is not a hashtag with 422", async () => {
    expect((await a.api(alice.token, "POST", "/api/v1/tags/no%20spaces/follow")).status).toBe(422);
    expect((await a.api(alice.token, "GET", "/api/v1/followed_tags")).body).toEqual([]);
  });
});

describe("featured tags", () => {
  it("features a tag on the profile with its count, suggests used ones, and removes it", async () => {
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "#Quality first" });
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "#quality again, and #audits" });
    const suggestions = await a.api(alice.token, "GET", "/api/v1/featured_tags/suggestions");
    expect(suggestions.body.map((t: { name: string }) => t.name)).toEqual(["quality", "audits"]);

    const featured = await a.api(alice.token, "POST", "/api/v1/featured_tags", { name: "#Quality" });
    expect(featured.status).toBe(200);
    expect(featured.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: "quality",
      url: expect.stringMatching(/\/tagged\/quality$/),
      statuses_count: "2",
      last_status_at: new Date().toISOString().slice(0, 10),
    });
    const aliceId = (await a.api(alice.token, "GET", "/api/v1/accounts/verify_credentials")).body.id;
    expect((await a.api(null, "GET", `/api/v1/accounts/${aliceId}/featured_tags`)).body).toEqual([featured.body]);
    expect((await a.api(alice.token, "GET", "/api/v1/featured_tags/suggestions")).body.map((t: { name: string }) => t.name)).toEqual(["audits"]);

    expect((await a.api(bob.token, "DELETE", `/api/v1/featured_tags/${featured.body.id}`)).status).toBe(404);
    expect((await a.api(alice.token, "DELETE", `/api/v1/featured_tags/${featured.body.id}`)).status).toBe(200);
    expect((await a.api(alice.token, "GET", "/api/v1/featured_tags")).body).toEqual([]);
  });
});
