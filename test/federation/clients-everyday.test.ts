// Everyday operations of real client libraries (masto.js, megalodon) against
// two running instances: mention by short handle, find people by name and
// follow them across instances, pin, edit from source, lists, tags, mutes,
// favourites, trends, trailing-slash paths.
import { createRestAPIClient } from "masto";
import generator from "megalodon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let carol: TestUser;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  carol = await a.user("carol");
  await b.user("bob");
  await a.api(carol.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "Carol Procurement" });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("masto.js", () => {
  it("mentions by short handle, finds people, follows across instances, pins and edits from source", async () => {
    const masto = createRestAPIClient({ url: a.origin, accessToken: alice.token });
    const asCarol = createRestAPIClient({ url: a.origin, accessToken: carol.token });

    // Autocomplete by display name, then a short-handle mention that notifies.
    const [found] = await masto.v1.accounts.search.list({ q: "procure" });
    expect(found?.username).toBe("carol");
    const mention = await masto.v1.statuses.create({ status: "@carol can you check the order?" });
    expect(mention.mentions.map((m) => m.acct)).toEqual(["carol"]);
    await eventually(async () => (await asCarol.v1.notifications.list({ types: ["mention"] })).some((n) => n.status?.id === mention.id));

    // A person on the other instance, found by handle with resolve, followed.
    const remote = await masto.v2.search.list({ q: `bob@${b.host}`, resolve: true, type: "accounts" });
    const bobAccount = remote.accounts[0]!;
    await masto.v1.accounts.$select(bobAccount.id).follow();
    await eventually(async () => (await masto.v1.accounts.relationships.fetch({ id: [bobAccount.id] }))[0]?.following === true);

    // Pin and read the profile as apps do.
    const pinned = await masto.v1.statuses.$select(mention.id).pin();
    expect(pinned.pinned).toBe(true);
    const me = await masto.v1.accounts.verifyCredentials();
    const pins = await masto.v1.accounts.$select(me.id).statuses.list({ pinned: true });
    expect(pins.map((s) => s.id)).toEqual([mention.id]);
    expect(await masto.v1.accounts.$select(me.id).statuses.list({ excludeReplies: true, onlyMedia: true })).toEqual([]);

    // Edit starting from the source text.
    const source = await masto.v1.statuses.$select(mention.id).source.fetch();
    expect(source.text).toBe("@carol can you check the order?");
    await masto.v1.statuses.$select(mention.id).update({ status: `${source.text} Thanks!` });
    const history = await masto.v1.statuses.$select(mention.id).history.list();
    expect(history).toHaveLength(2);
    expect(history[1]!.content).toContain("Thanks!");

    // Full-text search finds the edited post.
    const byText = await masto.v2.search.list({ q: "order thanks", type: "statuses" });
    expect(byText.statuses.map((s) => s.id)).toEqual([mention.id]);
  });

  it("keeps lists, follows tags, mutes and lists favourites", async () => {
    const masto = createRestAPIClient({ url: a.origin, accessToken: alice.token });
    const carolAccount = await masto.v1.accounts.lookup({ acct: "carol" });
    await masto.v1.accounts.$select(carolAccount.id).follow();

    const list = await masto.v1.lists.create({ title: "Buyers" });
    await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [carolAccount.id] });
    const post = await a.api(carol.token, "POST", "/api/v1/statuses", { status: "New supplier onboarded #sourcing" });
    const timeline = await masto.v1.timelines.list.$select(list.id).list();
    expect(timeline.map((s) => s.id)).toEqual([post.body.id]);

    const tag = await masto.v1.tags.$select("sourcing").follow();
    expect(tag.following).toBe(true);
    expect((await masto.v1.followedTags.list()).map((t) => t.name)).toEqual(["sourcing"]);

    await masto.v1.statuses.$select(post.body.id).favourite();
    expect((await masto.v1.favourites.list()).map((s) => s.id)).toEqual([post.body.id]);
    expect((await masto.v1.trends.tags.list()).map((t) => t.name)).toContain("sourcing");

    const rel = await masto.v1.accounts.$select(carolAccount.id).mute();
    expect(rel.muting).toBe(true);
    expect((await masto.v1.timelines.home.list()).map((s) => s.id)).not.toContain(post.body.id);
    expect((await masto.v1.mutes.list()).map((x) => x.username)).toEqual(["carol"]);
    await masto.v1.accounts.$select(carolAccount.id).unmute();
  });
});

describe("megalodon", () => {
  it("reads instance paths with a trailing slash, searches, and reads lists and profiles", async () => {
    const client = generator("mastodon", a.origin, alice.token);
    const slashed = await fetch(`${a.origin}/api/v1/instance/`);
    expect(slashed.status).toBe(200);
    const accounts = await client.searchAccount("car");
    expect(accounts.data.map((x) => x.username)).toContain("carol");
    const lists = await client.getLists();
    expect(lists.data.map((l) => l.title)).toContain("Buyers");
    const me = await client.verifyAccountCredentials();
    const pinned = await client.getAccountStatuses(me.data.id, { pinned: true });
    expect(pinned.data).toHaveLength(1);
    const source = await client.getStatusSource(pinned.data[0]!.id);
    expect(source.data.text).toContain("Thanks!");
  });
});
