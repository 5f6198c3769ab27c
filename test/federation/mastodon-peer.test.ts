// What a Mastodon-family server makes of what Ecotone sends: a group on A
// with a follower on a Mastodon-shaped peer (which ignores Announce of
// activities) and a member instance B (an Ecotone, which reads FEP-1b12).
// The peer's people see the group's posts, their edits and their deletions,
// are notified of mentions, and never receive a ForgeFed Ticket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startMastodonPeer, type MastodonPeer } from "../helpers/mastodon-peer.ts";

let a: TestInstance;
let b: TestInstance;
let masto: MastodonPeer;
let olga: TestUser;
let bea: TestUser;
let groupUri: string;
let mara: { uri: string; handle: string };

async function postsOn(instance: TestInstance, token: string, group: string) {
  const res = await instance.api(token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as Array<{ uri: string; contentHtml: string }>;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  masto = await startMastodonPeer();
  olga = await a.user("olga");
  bea = await b.user("bea");
  mara = await masto.addUser("mara");
  const created = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", {
    slug: "makers",
    name: "Makers",
    visibility: "public",
    joinPolicy: "open",
  });
  expect(created.status).toBe(201);
  groupUri = created.body.actor.uri;
  await masto.follow("mara", groupUri);
  const joined = await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@makers@${a.host}`)}/join`);
  expect([200, 202]).toContain(joined.status);
  await eventually(
    async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@makers@${a.host}`)}`)).body.membership?.state === "accepted",
  );
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), masto?.close()]);
});

describe("a group's posts on a Mastodon-family server", () => {
  let post: { id: string; uri: string };

  it("a follower of the group there sees a member's post, as the group's boost; the Ecotone member sees it too", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "makers", content: "Laser cutter is free on Fridays" });
    expect(res.status).toBe(201);
    post = res.body;
    const status = (await eventually(() => masto.statuses.get(post.uri)))!;
    expect(status.content).toContain("Laser cutter is free on Fridays");
    expect(status.attributedTo).toBe(olga.uri);
    expect(status.boostedBy).toEqual([groupUri]);
    await eventually(async () => (await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === post.uri));
    // No FEP-1b12 Announce(Create) was sent to the peer, which would drop it.
    expect(masto.received.filter((r) => r.ignored?.startsWith("Unsupported object on Announce"))).toEqual([]);
  });

  it("an edit reaches it as the author's Update, and the Ecotone member sees it too", async () => {
    const res = await a.api(olga.token, "PATCH", `/api/ecotone/v1/posts/${post.id}`, { content: "Laser cutter is free on Fridays and Saturdays" });
    expect(res.status).toBe(200);
    await eventually(() => masto.statuses.get(post.uri)?.content.includes("and Saturdays"));
    expect(masto.statuses.get(post.uri)?.edited).toBe(true);
    await eventually(async () => (await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === post.uri && p.contentHtml.includes("and Saturdays")));
  });

  it("a deletion by the author removes it there and on the member instance", async () => {
    const res = await a.api(olga.token, "DELETE", `/api/ecotone/v1/posts/${post.id}`);
    expect(res.status).toBe(204);
    await eventually(() => !masto.statuses.has(post.uri));
    await eventually(async () => !(await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === post.uri));
  });

  it("a moderator's removal of a member's post removes it there too", async () => {
    const ron = await a.user("ron");
    expect((await a.api(ron.token, "POST", "/api/ecotone/v1/groups/makers/join")).status).toBeLessThan(300);
    const res = await a.api(ron.token, "POST", "/api/ecotone/v1/posts", { group: "makers", content: "Selling my old drill press, DM me" });
    expect(res.status).toBe(201);
    await eventually(() => masto.statuses.has(res.body.uri));
    const removed = await a.api(olga.token, "DELETE", `/api/ecotone/v1/posts/${res.body.id}`);
    expect(removed.status).toBe(204);
    await eventually(() => !masto.statuses.has(res.body.uri));
    await eventually(async () => !(await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === res.body.uri));
  });

  it("a post by a member on another Mastodon-family server reaches it as the group's boost, and so do its edit and deletion", async () => {
    const other = await startMastodonPeer({ software: "hollo" });
    try {
      await other.addUser("tove");
      await other.follow("tove", groupUri);
      const uri = await other.publish("tove", "Anyone selling walnut offcuts?", groupUri);
      const status = (await eventually(() => masto.statuses.get(uri), 30_000))!;
      expect(status.content).toContain("walnut offcuts");
      expect(status.attributedTo).toBe(`${other.origin}/users/tove`);
      expect(status.boostedBy).toEqual([groupUri]);
      await eventually(async () => (await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === uri), 30_000);

      // Its author's edit and deletion, forwarded by the group with the author's proof.
      await other.edit("tove", uri, "Anyone selling walnut or cherry offcuts?", groupUri);
      await eventually(() => masto.statuses.get(uri)?.content.includes("cherry"), 30_000);
      await other.remove("tove", uri, groupUri);
      await eventually(() => !masto.statuses.has(uri), 30_000);
      await eventually(async () => !(await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === uri), 30_000);
    } finally {
      await other.close();
    }
  });

  it("a Mastodon-family follower and an Ecotone member each get one copy: none of the ignored Announce(activity)", () => {
    expect(masto.received.filter((r) => r.ignored?.startsWith("Unsupported object on Announce"))).toEqual([]);
    expect(masto.received.filter((r) => r.ignored === "not the author")).toEqual([]);
  });
});

describe("mentions on a Mastodon-family server", () => {
  it("a mention in a group post notifies the person mentioned there", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "makers", content: `Thanks ${mara.handle} for the jig!` });
    expect(res.status).toBe(201);
    await eventually(() => masto.notifications.some((n) => n.user === "mara" && n.statusUri === res.body.uri));
  });

  it("a mention outside groups reaches someone who does not follow the author, and notifies them", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { content: `${mara.handle} are you coming on Friday?` });
    expect(res.status).toBe(201);
    await eventually(() => masto.notifications.some((n) => n.user === "mara" && n.statusUri === res.body.uri));
    expect(masto.statuses.get(res.body.uri)?.content).toContain("are you coming on Friday?");
  });

  it("each Mention tag on the wire is named @user@host and the mentioned actor is in cc", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { content: `Hello ${mara.handle}` });
    const note = await a
      .api(null, "GET", new URL(res.body.uri).pathname)
      .then(async () => (await fetch(res.body.uri, { headers: { accept: "application/activity+json" } })).json());
    const tags = [note.tag].flat();
    expect(tags).toContainEqual({ type: "Mention", href: mara.uri, name: mara.handle });
    expect([note.cc].flat()).toContain(mara.uri);
  });
});

describe("ideas and tasks on a Mastodon-family server", () => {
  it("an idea shows its title as the first line; Ecotone still shows title and body apart", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/makers/ideas", { title: "Open on Sundays", content: "Many of us work weekdays." });
    expect(res.status).toBe(201);
    const status = (await eventually(() => masto.statuses.get(res.body.post.uri)))!;
    expect(status.content.startsWith("<p><strong>Open on Sundays</strong></p>")).toBe(true);
    const onB = await eventually(async () => (await postsOn(b, bea.token, `@makers@${a.host}`)).find((p) => p.uri === res.body.post.uri));
    expect(onB!.contentHtml).not.toContain("Open on Sundays");
  });

  it("a voter there (a Like) is notified of the idea's answer", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/makers/ideas", { title: "Longer hours", content: "Till 9pm." });
    expect(res.status).toBe(201);
    await eventually(() => masto.statuses.has(res.body.post.uri));
    await masto.like("mara", res.body.post.uri, olga.uri);
    await eventually(async () => (await a.api(olga.token, "GET", `/api/ecotone/v1/ideas/${res.body.post.id}`)).body.votes === 1);
    const answered = await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${res.body.post.id}/status`, { status: "planned", reason: "From March" });
    expect(answered.status).toBe(200);
    const note = await eventually(() => masto.notifications.find((n) => n.user === "mara" && masto.statuses.get(n.statusUri)?.content.includes("From March")));
    expect(note).toBeDefined();
  });

  it("a task reaches it only as its companion Note: no Ticket is ever sent there", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/makers/tasks", { title: "Oil the bandsaw", priority: "normal" });
    expect(res.status).toBe(201);
    await eventually(() => [...masto.statuses.values()].some((s) => s.content.includes("Oil the bandsaw")));
    // The Ecotone member instance gets the Ticket itself.
    await eventually(async () => {
      const task = await b.api(bea.token, "GET", `/api/ecotone/v1/tasks/${encodeURIComponent(res.body.uri)}`);
      return task.status === 200 && task.body.title === "Oil the bandsaw";
    });
    expect(masto.refused).toEqual([]);
  });
});

describe("deliveries to a Mastodon-family server", () => {
  it("is reachable by handle: an Ecotone user follows @mara@localhost:port and is accepted", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/follows", { target: mara.handle });
    expect([200, 202]).toContain(res.status);
    await eventually(async () => {
      const row = await a.app.ctx.db
        .selectFrom("follows")
        .innerJoin("actors", "actors.id", "follows.followee_id")
        .select("follows.state")
        .where("actors.uri", "=", mara.uri)
        .executeTakeFirst();
      return row?.state === "accepted";
    });
  });

  it("a follower who is also mentioned gets the post once, through the shared inbox", async () => {
    await masto.follow("mara", olga.uri);
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { content: `${mara.handle} the jig is back on the shelf` });
    expect(res.status).toBe(201);
    await eventually(() => masto.statuses.has(res.body.uri));
    await new Promise((r) => setTimeout(r, 1000)); // a second copy would have come by now
    const copies = masto.received.filter((r) => r.type === "Create" && r.objectId === res.body.uri);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.inbox).toBe("/inbox");
  });

  it("a server we cannot identify is tried with ForgeFed, and given up after a few 500s, not retried for days", async () => {
    const silent = await startMastodonPeer({ software: null });
    try {
      await silent.addUser("ivo");
      await silent.follow("ivo", groupUri);
      const res = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/makers/tasks", { title: "Sweep the floor", priority: "normal" });
      expect(res.status).toBe(201);
      const pending = () =>
        a.app.ctx.db.selectFrom("outbox_events").select(["id", "payload"]).where("type", "=", "task.deliver").where("processed_at", "is", null).execute();
      await eventually(async () => silent.refused.length > 0);
      // Retries start at 2 s and double; a third failure ends it.
      await eventually(async () => (await pending()).filter((e) => JSON.stringify(e.payload).includes(silent.host)).length === 0, 30_000, 500);
      expect(silent.refused.length).toBeGreaterThanOrEqual(1);
      expect(silent.refused.length).toBeLessThanOrEqual(3);
      // The companion Note still reached it.
      await eventually(() => [...silent.statuses.values()].some((s) => s.content.includes("Sweep the floor")));
    } finally {
      await silent.close();
    }
  });
});
