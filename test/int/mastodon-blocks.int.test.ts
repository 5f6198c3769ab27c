// Mutes, blocks and domain blocks as a user notices them: the muted or
// blocked account's posts leave my timelines, its notifications stop, a block
// ends follows both ways and refuses new ones, and a blocked domain's
// accounts disappear from my home timeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let mallory: TestUser;
let carol: TestUser;
let bob: TestUser;
const id: Record<string, string> = {};

const ids = (body: Array<{ id: string }>) => body.map((s) => s.id);

async function accountId(instance: TestInstance, token: string, acct: string) {
  const res = await instance.api(token, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
  return res.body.id as string;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  mallory = await a.user("mallory");
  carol = await a.user("carol");
  bob = await b.user("bob");
  id.mallory = await accountId(a, alice.token, "mallory");
  id.carol = await accountId(a, alice.token, "carol");
  id.alice = await accountId(a, alice.token, "alice");
  await a.api(alice.token, "POST", `/api/v1/accounts/${id.mallory}/follow`);
  await a.api(alice.token, "POST", `/api/v1/accounts/${id.carol}/follow`);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("mutes", () => {
  it("hides a muted account from home and public timelines and its notifications, until unmuted", async () => {
    const noisy = await a.api(mallory.token, "POST", "/api/v1/statuses", { status: "noise @alice" });
    const home = await a.api(alice.token, "GET", "/api/v1/timelines/home");
    expect(ids(home.body)).toContain(noisy.body.id);

    const muted = await a.api(alice.token, "POST", `/api/v1/accounts/${id.mallory}/mute`, { notifications: "true" });
    expect(muted.status).toBe(200);
    expect(muted.body).toMatchObject({ id: id.mallory, muting: true, muting_notifications: true, following: true });
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/home")).body)).not.toContain(noisy.body.id);
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/public")).body)).not.toContain(noisy.body.id);
    // Others still see it.
    expect(ids((await a.api(carol.token, "GET", "/api/v1/timelines/public")).body)).toContain(noisy.body.id);
    const notes = await a.api(alice.token, "GET", "/api/v1/notifications");
    expect(notes.body.filter((n: { account: { id: string } }) => n.account.id === id.mallory)).toEqual([]);
    const list = await a.api(alice.token, "GET", "/api/v1/mutes");
    expect(list.body.map((x: { username: string }) => x.username)).toEqual(["mallory"]);

    const unmuted = await a.api(alice.token, "POST", `/api/v1/accounts/${id.mallory}/unmute`);
    expect(unmuted.body.muting).toBe(false);
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/home")).body)).toContain(noisy.body.id);
  });

  it("keeps notifications with notifications=false, and a timed mute ends by itself", async () => {
    const muted = await a.api(alice.token, "POST", `/api/v1/accounts/${id.carol}/mute`, { notifications: false, duration: 1 });
    expect(muted.body.muting_notifications).toBe(false);
    const post = await a.api(carol.token, "POST", "/api/v1/statuses", { status: "hi @alice" });
    const notes = await a.api(alice.token, "GET", "/api/v1/notifications?types[]=mention");
    expect(notes.body.map((n: { status: { id: string } }) => n.status.id)).toContain(post.body.id);
    await eventually(async () => ids((await a.api(alice.token, "GET", "/api/v1/timelines/home")).body).includes(post.body.id), 5000);
  });

  it("refuses a bad duration and muting oneself with 422", async () => {
    expect((await a.api(alice.token, "POST", `/api/v1/accounts/${id.mallory}/mute`, { duration: "soon" })).status).toBe(422);
    expect((await a.api(alice.token, "POST", `/api/v1/accounts/${id.alice}/mute`)).status).toBe(422);
    expect((await a.api(alice.token, "GET", "/api/v1/mutes")).body).toEqual([]);
  });
});

describe("blocks", () => {
  it("ends follows both ways, hides posts, and refuses a new follow", async () => {
    await a.api(mallory.token, "POST", `/api/v1/accounts/${id.alice}/follow`);
    const before = await a.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${id.mallory}`);
    expect(before.body[0]).toMatchObject({ following: true, followed_by: true });

    const blocked = await a.api(alice.token, "POST", `/api/v1/accounts/${id.mallory}/block`);
    expect(blocked.body).toMatchObject({ blocking: true, following: false, followed_by: false });
    const seen = await a.api(mallory.token, "GET", `/api/v1/accounts/relationships?id[]=${id.alice}`);
    expect(seen.body[0]).toMatchObject({ blocked_by: true, following: false });

    const post = await a.api(mallory.token, "POST", "/api/v1/statuses", { status: "still here" });
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/public")).body)).not.toContain(post.body.id);
    // Neither sees the other's public posts in the public timeline.
    const alicePost = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "my own" });
    expect(ids((await a.api(mallory.token, "GET", "/api/v1/timelines/public")).body)).not.toContain(alicePost.body.id);

    const refollow = await a.api(mallory.token, "POST", `/api/v1/accounts/${id.alice}/follow`);
    expect(refollow.status).toBe(403);
    expect((await a.api(alice.token, "GET", "/api/v1/blocks")).body.map((x: { username: string }) => x.username)).toEqual(["mallory"]);

    await a.api(alice.token, "POST", `/api/v1/accounts/${id.mallory}/unblock`);
    expect((await a.api(mallory.token, "POST", `/api/v1/accounts/${id.alice}/follow`)).body.following).toBe(true);
  });

  it("removes a follower without blocking", async () => {
    await a.api(carol.token, "POST", `/api/v1/accounts/${id.alice}/follow`);
    const removed = await a.api(alice.token, "POST", `/api/v1/accounts/${id.carol}/remove_from_followers`);
    expect(removed.body).toMatchObject({ followed_by: false, blocking: false });
  });
});

describe("domain blocks", () => {
  it("hides every account of a blocked domain from my home timeline", async () => {
    const bobId = (await a.api(alice.token, "GET", `/api/v2/search?q=${encodeURIComponent(`bob@${b.host}`)}&resolve=true&type=accounts`)).body.accounts[0].id;
    await a.api(alice.token, "POST", `/api/v1/accounts/${bobId}/follow`);
    await eventually(async () => (await a.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${bobId}`)).body[0].following);
    const post = await b.api(bob.token, "POST", "/api/v1/statuses", { status: "from the other company" });
    const uri = post.body.uri;
    await eventually(async () => (await a.api(alice.token, "GET", "/api/v1/timelines/home")).body.some((s: { uri: string }) => s.uri === uri));

    expect((await a.api(alice.token, "POST", "/api/v1/domain_blocks", { domain: b.host })).status).toBe(200);
    expect((await a.api(alice.token, "GET", "/api/v1/domain_blocks")).body).toEqual([b.host]);
    const rel = await a.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${bobId}`);
    expect(rel.body[0].domain_blocking).toBe(true);
    const home = await a.api(alice.token, "GET", "/api/v1/timelines/home");
    expect(home.body.some((s: { uri: string }) => s.uri === uri)).toBe(false);

    expect((await a.api(alice.token, "DELETE", `/api/v1/domain_blocks?domain=${encodeURIComponent(b.host)}`)).status).toBe(200);
    expect((await a.api(alice.token, "GET", "/api/v1/domain_blocks")).body).toEqual([]);
  });

  it("refuses something that is not a domain, and the own domain, with 422", async () => {
    expect((await a.api(alice.token, "POST", "/api/v1/domain_blocks", { domain: "https://x.example/path" })).status).toBe(422);
    expect((await a.api(alice.token, "POST", "/api/v1/domain_blocks", { domain: a.host })).status).toBe(422);
    expect((await a.api(alice.token, "GET", "/api/v1/domain_blocks")).body).toEqual([]);
  });
});
