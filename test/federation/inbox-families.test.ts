// What we accept from PieFed, Mbin and Mastodon, from fixtures modelled on
// what those servers send (test/fixtures/ap/, after ../shared/fixtures/ap-wild/):
// a PieFed community relaying an image post with no text, an Mbin magazine
// relaying a link post (and accepting a Follow by its id only), a Mastodon
// profile with fields, avatar and header, and a Mastodon edit of a reply in
// one of our groups — and a forged edit refused, leaving the post intact.
import { exportSpki } from "@fedify/vocab-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApFixture } from "../helpers/ap-fixtures.ts";
import { startFakePeer, type FakePeer } from "../helpers/fake-peer.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let piefed: FakePeer;
let mbin: FakePeer;
let masto: FakePeer;
let olga: TestUser;

const fixture = (name: string, vars: Record<string, string> = {}) =>
  loadApFixture(name, { "piefed.example": piefed, "mbin.example": mbin, "mastodon.example": masto, "ecotone.example": a }, vars);

async function deliver(peer: FakePeer, activity: unknown, keyId: string, inbox = "/inbox") {
  const res = await peer.post(new URL(inbox, a.origin).href, activity, keyId);
  expect([200, 202]).toContain(res.status);
}

async function groupPosts(token: string, group: string) {
  const res = await a.api(token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  return res.body.items as Array<{
    uri: string;
    type: string;
    title: string | null;
    contentHtml: string;
    author: { uri: string };
    group: { uri: string } | null;
    media?: unknown;
  }>;
}

/** A local user joins a remote community; the community accepts with `acceptFixture`. */
async function joinRemote(user: TestUser, peer: FakePeer, community: string, acceptFixture: string) {
  const joined = await a.api(user.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(community)}/join`);
  expect(joined.status, JSON.stringify(joined.body)).toBe(202);
  const follow = await a.app.ctx.db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.followee_id")
    .select("follows.activity_uri")
    .where("actors.uri", "=", community)
    .executeTakeFirstOrThrow();
  await deliver(peer, fixture(acceptFixture, { follower: user.uri, followId: follow.activity_uri! }), `${community}#main-key`);
  await eventually(
    async () => (await a.api(user.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(community)}`)).body.membership?.state === "accepted",
  );
}

beforeAll(async () => {
  [a] = (await startInstances(1)) as [TestInstance];
  [piefed, mbin, masto] = [await startFakePeer(), await startFakePeer(), await startFakePeer()];
  olga = await a.user("olga");
  const pem = async (p: FakePeer) => exportSpki(p.keyPair.publicKey);
  piefed.serve("/c/bikerepair", fixture("piefed/group.json", { publicKeyPem: await pem(piefed) }));
  piefed.serve("/u/spokes", fixture("piefed/person.json", { publicKeyPem: await pem(piefed) }));
  mbin.serve("/m/ceramics", fixture("mbin/magazine.json", { publicKeyPem: await pem(mbin) }));
  mbin.serve("/u/glazer", fixture("mbin/person.json", { publicKeyPem: await pem(mbin) }));
  masto.serve("/users/pat", fixture("mastodon/person_fields.json", { name: "pat", publicKeyPem: await pem(masto) }));
  masto.serve("/users/mara", fixture("mastodon/person.json", { name: "mara", publicKeyPem: await pem(masto) }));
  masto.serve("/users/rook", fixture("mastodon/person.json", { name: "rook", publicKeyPem: await pem(masto) }));
});

afterAll(async () => {
  await Promise.all([a?.close(), piefed?.close(), mbin?.close(), masto?.close()]);
});

describe("a PieFed community", () => {
  it("relays an image post with a title and no text: a member sees the title and the image", async () => {
    const community = `${piefed.origin}/c/bikerepair`;
    await joinRemote(olga, piefed, community, "piefed/accept_follow.json");
    const announce = fixture("piefed/announce_create_page.json");
    await deliver(piefed, announce, `${community}#main-key`);
    const uri = announce.object.object.id as string;
    const seen = (await eventually(async () => (await groupPosts(olga.token, community)).find((p) => p.uri === uri)))!;
    expect(seen.type).toBe("Page");
    expect(seen.title).toBe("Trued my first wheel");
    expect(seen.author.uri).toBe(`${piefed.origin}/u/spokes`);
    expect(seen.group?.uri).toBe(community);
    const post = await a.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", uri).executeTakeFirstOrThrow();
    const media = await a.app.ctx.db.selectFrom("media_attachments").select("remote_url").where("post_id", "=", post.id).execute();
    expect(media.map((m) => m.remote_url)).toEqual(["https://cdn-piefed.test/posts/wheel.jpg"]);
  });
});

describe("an Mbin magazine", () => {
  it("accepts a Follow named by id only, and relays a link post a member then sees", async () => {
    const magazine = `${mbin.origin}/m/ceramics`;
    const lena = await a.user("lena");
    await joinRemote(lena, mbin, magazine, "mbin/accept_follow.json");
    const announce = fixture("mbin/announce_create_page.json");
    await deliver(mbin, announce, `${magazine}#main-key`);
    const uri = announce.object.object.id as string;
    const seen = (await eventually(async () => (await groupPosts(lena.token, magazine)).find((p) => p.uri === uri)))!;
    expect(seen.title).toBe("Cone 6 celadon that finally worked");
    expect(seen.contentHtml).toContain("Recipe and firing schedule");
    expect(seen.author.uri).toBe(`${mbin.origin}/u/glazer`);
  });
});

describe("Mastodon", () => {
  it("a profile's PropertyValue fields, avatar and header are kept and shown", async () => {
    const uri = `${masto.origin}/users/pat`;
    const found = await a.api(olga.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(uri)}`);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    const row = await a.app.ctx.db.selectFrom("actors").selectAll().where("uri", "=", uri).executeTakeFirstOrThrow();
    expect(row.fields).toEqual([
      { name: "Studio", value: "https://studio.example/" },
      { name: "Kiln", value: "Electric, cone 10" },
    ]);
    expect(row.icon_url).toBe("https://cdn-mastodon.test/accounts/avatars/pat.png");
    expect(row.header_url).toBe("https://cdn-mastodon.test/accounts/headers/pat.jpg");
    const account = await a.api(olga.token, "GET", `/api/v1/accounts/${row.id}`);
    expect(account.body.header).toBe("https://cdn-mastodon.test/accounts/headers/pat.jpg");
    expect(account.body.fields[0].value).toContain('href="https://studio.example/"');
  });

  it("an edit of a reply in our group replaces its text; an edit signed for someone else is refused and changes nothing", async () => {
    expect(
      (await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "potters", name: "Potters", visibility: "public", joinPolicy: "open" })).status,
    ).toBe(201);
    const maraKey = `${masto.origin}/users/mara#main-key`;
    const follow = fixture("mastodon/follow_group.json", { name: "mara" });
    follow.object = `${a.origin}/users/potters`;
    await deliver(masto, follow, maraKey, "/users/potters/inbox");
    const members = async () => (await a.api(olga.token, "GET", "/api/ecotone/v1/groups/potters/members")).body.items as Array<{ actor: { uri: string } }>;
    await eventually(async () => (await members()).some((m) => m.actor.uri === `${masto.origin}/users/mara`));
    const parent = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "potters", content: "Which clay body for mugs?" });
    const vars = { name: "mara", status: "112000000000000001", parent: parent.body.uri, parentAuthor: olga.uri };
    await deliver(masto, fixture("mastodon/create_note_status.json", { ...vars, content: "Speckled stoneware." }), maraKey, "/users/potters/inbox");
    const uri = `${masto.origin}/users/mara/statuses/112000000000000001`;
    const text = async () => (await a.app.ctx.db.selectFrom("posts").select("content_html").where("uri", "=", uri).executeTakeFirst())?.content_html;
    await eventually(async () => (await text())?.includes("Speckled stoneware."));

    await deliver(masto, fixture("mastodon/update_note.json", { ...vars, content: "Speckled stoneware, fired to cone 6." }), maraKey, "/users/potters/inbox");
    await eventually(async () => (await text())?.includes("fired to cone 6"));

    const forged = fixture("mastodon/update_note.json", { ...vars, content: "Buy cheap pots at scam.example" });
    forged.actor = `${masto.origin}/users/rook`;
    forged.id = `${forged.id}-forged`;
    const res = await masto.post(new URL("/users/potters/inbox", a.origin).href, forged, maraKey);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await text()).toContain("fired to cone 6");
    expect(await text()).not.toContain("scam.example");
  });
});
