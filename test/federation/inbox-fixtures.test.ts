// Inbox deliveries shaped like what Lemmy and Mastodon actually send
// (fixtures in test/fixtures/ap/, modelled on real-world JSON): a community
// Announce(Create(Page)), a Mastodon reply into a local group, hostile HTML,
// duplicates, a Delete that outruns its Create, and a forged attribution.
// Each test checks what a user sees through the API and what the database holds.
import { exportSpki } from "@fedify/vocab-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApFixture } from "../helpers/ap-fixtures.ts";
import { startFakePeer, type FakePeer } from "../helpers/fake-peer.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let lemmy: FakePeer;
let masto: FakePeer;
let olga: TestUser;

type PostItem = {
  id: string;
  uri: string;
  type: string;
  title: string | null;
  contentHtml: string;
  inReplyToUri: string | null;
  threadUri: string;
  visibility: string;
  author: { uri: string };
  group: { uri: string } | null;
};

/** A fixture with its placeholder hosts pointed at the live servers (test/helpers/ap-fixtures.ts). */
function fixture(name: string, vars: Record<string, string> = {}): any {
  return loadApFixture(name, { "lemmy.example": lemmy, "mastodon.example": masto, "ecotone.example": a }, vars);
}

async function deliver(peer: FakePeer, inbox: string, activity: unknown, keyId: string) {
  const res = await peer.post(new URL(inbox, a.origin).href, activity, keyId);
  expect([200, 202]).toContain(res.status);
}

async function groupPosts(token: string, group: string): Promise<PostItem[]> {
  const res = await a.api(token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

function postRows(uri: string) {
  return a.app.ctx.db.selectFrom("posts").selectAll().where("uri", "=", uri).execute();
}

async function actorId(uri: string): Promise<string> {
  return (await a.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", uri).executeTakeFirstOrThrow()).id;
}

async function recorded(activityUri: string): Promise<number> {
  return (await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", activityUri).execute()).length;
}

/** Every queued inbox message has been handled (a handled message leaves the queue). */
async function inboxDrained(): Promise<void> {
  await eventually(async () => {
    const rows = await a.app.ctx.db.selectFrom("fedify_queue").select("id").where("queue", "=", "inbox").execute();
    return rows.length === 0;
  });
}

let pem: string;
let maraUri: string;
let maraKey: string;
let gardenUri: string;

beforeAll(async () => {
  [a] = (await startInstances(1)) as [TestInstance];
  lemmy = await startFakePeer();
  masto = await startFakePeer();
  olga = await a.user("olga");
  const created = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", {
    slug: "garden",
    name: "Allotment garden",
    visibility: "public",
    joinPolicy: "open",
  });
  expect(created.status).toBe(201);
  gardenUri = created.body.actor.uri;

  // Both peers sign with one key each; their actor documents carry it as PEM.
  pem = await exportSpki(lemmy.keyPair.publicKey);
  lemmy.serve("/c/woodworking", fixture("lemmy/group.json", { publicKeyPem: pem }));
  lemmy.serve("/u/joiner", fixture("lemmy/person.json", { publicKeyPem: pem }));
  const mastoPem = await exportSpki(masto.keyPair.publicKey);
  for (const name of ["mara", "rook"]) {
    masto.serve(`/users/${name}`, fixture("mastodon/person.json", { name, publicKeyPem: mastoPem }));
  }
  maraUri = `${masto.origin}/users/mara`;
  maraKey = `${maraUri}#main-key`;
});

afterAll(async () => {
  await Promise.all([a?.close(), lemmy?.close(), masto?.close()]);
});

describe("a Lemmy community relaying a post (FEP-1b12)", () => {
  it("a member sees the announced Page with its title; it is stored once, in the community", async () => {
    const lena = await a.user("lena");
    const community = `${lemmy.origin}/c/woodworking`;
    const communityKey = `${community}#main-key`;
    const joined = await a.api(lena.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(community)}/join`);
    expect(joined.status).toBe(202);
    expect(joined.body.state).toBe("pending");

    // The community accepts the Follow the join sent (Lemmy embeds the Follow).
    const follow = await a.app.ctx.db
      .selectFrom("follows")
      .innerJoin("actors", "actors.id", "follows.followee_id")
      .select("follows.activity_uri")
      .where("actors.uri", "=", community)
      .executeTakeFirstOrThrow();
    await deliver(lemmy, "/inbox", fixture("lemmy/accept_follow.json", { follower: lena.uri, followId: follow.activity_uri }), communityKey);
    await eventually(async () => {
      const group = await a.api(lena.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(community)}`);
      return group.body.membership?.state === "accepted";
    });

    await deliver(lemmy, "/inbox", fixture("lemmy/announce_create_page.json"), communityKey);
    const pageUri = `${lemmy.origin}/post/4711`;
    const seen = (await eventually(async () => (await groupPosts(lena.token, community)).find((p) => p.uri === pageUri)))!;
    expect(seen.type).toBe("Page");
    expect(seen.title).toBe("Dovetails by hand: a first attempt");
    expect(seen.contentHtml).toContain("<strong>through dovetails</strong> in oak today.");
    expect(seen.contentHtml).toContain('href="https://woodguide.example/dovetails"');
    expect(seen.author.uri).toBe(`${lemmy.origin}/u/joiner`);
    expect(seen.group?.uri).toBe(community);
    expect(seen.visibility).toBe("public");

    const rows = await postRows(pageUri);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.author_id).toBe(await actorId(`${lemmy.origin}/u/joiner`));
    expect(rows[0]!.group_id).toBe(await actorId(community));
    expect(rows[0]!.is_local).toBe(false);
    expect(rows[0]!.title).toBe("Dovetails by hand: a first attempt");
    // The community itself is not stored as a post author, and no second copy under another URI.
    expect(
      await a.app.ctx.db
        .selectFrom("posts")
        .select("uri")
        .where("group_id", "=", await actorId(community))
        .execute(),
    ).toEqual([{ uri: pageUri }]);
  });
});

describe("Mastodon members of a public local group", () => {
  it("a Mastodon reply to a group post shows up in its thread", async () => {
    await deliver(masto, "/users/garden/inbox", fixture("mastodon/follow_group.json", { name: "mara" }), maraKey);
    await eventually(async () => {
      const members = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/garden/members");
      return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === maraUri);
    });

    const parent = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "garden", content: "Where do your tomatoes grow best?" });
    expect(parent.status).toBe(201);
    const reply = fixture("mastodon/create_note_reply.json", { parent: parent.body.uri, parentAuthor: olga.uri });
    await deliver(masto, "/users/garden/inbox", reply, maraKey);

    const replyUri = reply.object.id as string;
    const inThread = (await eventually(async () => {
      const thread = await a.api(olga.token, "GET", `/api/ecotone/v1/posts/${parent.body.id}/thread`);
      return (thread.body.items as PostItem[]).find((p) => p.uri === replyUri);
    }))!;
    expect(inThread.contentHtml).toContain("Tomatoes did best against the south wall");
    expect(inThread.inReplyToUri).toBe(parent.body.uri);
    expect(inThread.threadUri).toBe(parent.body.uri);
    expect(inThread.author.uri).toBe(maraUri);
    expect(inThread.group?.uri).toBe(gardenUri);

    const rows = await postRows(replyUri);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.group_id).toBe(await actorId(gardenUri));
    expect(rows[0]!.author_id).toBe(await actorId(maraUri));
  });

  it("strips scripts, event handlers, javascript: and data: links and images from a member's HTML", async () => {
    const hostile = fixture("mastodon/create_note_hostile.json");
    await deliver(masto, "/users/garden/inbox", hostile, maraKey);
    const uri = hostile.object.id as string;
    const seen = (await eventually(async () => (await groupPosts(olga.token, "garden")).find((p) => p.uri === uri)))!;
    const [row] = await postRows(uri);
    for (const html of [seen.contentHtml, row!.content_html]) {
      expect(html).not.toMatch(/<script|document\.cookie|onclick|onerror|onmouseover|javascript:|data:|<img|steal\(/i);
      expect(html).toContain("Compost tips");
      expect(html).toContain("for spring.");
      expect(html).toContain("click me");
      expect(html).toContain("data link");
      expect(html).toMatch(/<a href="https:\/\/compost\.example\/guide"[^>]*>the guide<\/a>/);
    }
    // Nothing of the original markup survives anywhere in the stored row.
    expect(JSON.stringify(row)).not.toMatch(/<script|onerror|onclick|javascript:|base64/i);
  });

  it("applies a twice-delivered Create once, and a Delete that arrives before its Create wins", async () => {
    const create = fixture("mastodon/create_note.json", { status: "111000000000000100" });
    await deliver(masto, "/users/garden/inbox", create, maraKey);
    await deliver(masto, "/inbox", create, maraKey);
    const uri = create.object.id as string;
    await eventually(async () => (await groupPosts(olga.token, "garden")).some((p) => p.uri === uri));
    await inboxDrained();
    expect(await postRows(uri)).toHaveLength(1);
    expect(await recorded(create.id)).toBe(1);
    expect((await groupPosts(olga.token, "garden")).filter((p) => p.uri === uri)).toHaveLength(1);

    const status = "111000000000000200";
    const lateUri = `${maraUri}/statuses/${status}`;
    await deliver(masto, "/users/garden/inbox", fixture("mastodon/delete_note.json", { status }), maraKey);
    await eventually(async () => (await a.app.ctx.db.selectFrom("tombstones").select("uri").where("uri", "=", lateUri).execute()).length === 1);
    await deliver(masto, "/users/garden/inbox", fixture("mastodon/create_note.json", { status }), maraKey);
    await inboxDrained();
    expect(await postRows(lateUri)).toEqual([]);
    expect((await groupPosts(olga.token, "garden")).map((p) => p.uri)).not.toContain(lateUri);
  });

  it("applies once a Create delivered again after a restart, when only the inbox log remembers it", async () => {
    const create = fixture("mastodon/create_note.json", { status: "111000000000000150" });
    await deliver(masto, "/users/garden/inbox", create, maraKey);
    const uri = create.object.id as string;
    await eventually(async () => (await postRows(uri)).length === 1);
    await inboxDrained();
    // A new process: Fedify's idempotence records (process memory, ADR 0103) are gone.
    await a.stop();
    await a.start();
    await deliver(masto, "/users/garden/inbox", create, maraKey);
    await inboxDrained();
    expect(await postRows(uri)).toHaveLength(1);
    expect(await recorded(create.id)).toBe(1);
    expect((await groupPosts(olga.token, "garden")).filter((p) => p.uri === uri)).toHaveLength(1);
  });

  it("ignores a Create whose object is attributed to someone other than the signer", async () => {
    const asRook = fixture("mastodon/create_note.json", { status: "111000000000000300" });
    asRook.object.attributedTo = `${masto.origin}/users/rook`;
    const asOlga = fixture("mastodon/create_note.json", { status: "111000000000000301" });
    asOlga.object.attributedTo = olga.uri;
    for (const forged of [asRook, asOlga]) await deliver(masto, "/users/garden/inbox", forged, maraKey);
    await inboxDrained();
    const visible = (await groupPosts(olga.token, "garden")).map((p) => p.uri);
    for (const forged of [asRook, asOlga]) {
      expect(await postRows(forged.object.id)).toEqual([]);
      expect(await recorded(forged.id)).toBe(0);
      expect(visible).not.toContain(forged.object.id);
    }
    // The impersonated author was not even cached from this.
    expect(await a.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", `${masto.origin}/users/rook`).execute()).toEqual([]);
  });
});
