// The Mastodon client API over HTTP: entity shapes field by field (against
// docs.joinmastodon.org/entities), paging through Link headers, scopes, and
// groups seen through a client — following a group account joins it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  bob = await b.user("bob");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const ID = /^\d+$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function expectAccountShape(account: Record<string, unknown>) {
  expect(account.id).toMatch(ID);
  for (const key of ["username", "acct", "url", "display_name", "note", "avatar", "avatar_static", "header", "header_static", "created_at"]) {
    expect(typeof account[key], key).toBe("string");
  }
  for (const key of ["locked", "bot", "group", "discoverable"]) expect(typeof account[key], key).toBe("boolean");
  for (const key of ["statuses_count", "followers_count", "following_count"]) expect(typeof account[key], key).toBe("number");
  expect(account.emojis).toEqual([]);
  expect(account.fields).toEqual([]);
  expect(account.created_at).toMatch(ISO);
}

function expectStatusShape(status: Record<string, unknown>) {
  expect(status.id).toMatch(ID);
  for (const key of ["uri", "created_at", "content", "visibility", "spoiler_text"]) expect(typeof status[key], key).toBe("string");
  for (const key of ["sensitive", "favourited", "reblogged", "muted", "bookmarked"]) expect(typeof status[key], key).toBe("boolean");
  for (const key of ["reblogs_count", "favourites_count", "replies_count"]) expect(typeof status[key], key).toBe("number");
  for (const key of ["media_attachments", "mentions", "tags", "emojis"]) expect(Array.isArray(status[key]), key).toBe(true);
  expect(["public", "unlisted", "private", "direct"]).toContain(status.visibility);
  expect(status.created_at).toMatch(ISO);
  expect(status).toHaveProperty("in_reply_to_id");
  expect(status).toHaveProperty("reblog");
  expectAccountShape(status.account as Record<string, unknown>);
}

describe("accounts and statuses", () => {
  it("verify_credentials answers an Account with source", async () => {
    const res = await a.api(alice.token, "GET", "/api/v1/accounts/verify_credentials");
    expect(res.status).toBe(200);
    expectAccountShape(res.body);
    expect(res.body.acct).toBe("alice");
    expect(res.body.source.privacy).toBe("public");
  });

  it("posts a status, reads it back, replies, favourites, and shows the context", async () => {
    const posted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Hello from a client #ecotone" });
    expect(posted.status).toBe(200);
    expectStatusShape(posted.body);
    expect(posted.body.tags).toEqual([{ name: "ecotone", url: expect.stringContaining("/tags/ecotone") }]);

    const reply = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "and a reply", in_reply_to_id: posted.body.id });
    expect(reply.body.in_reply_to_id).toBe(posted.body.id);
    expect(reply.body.in_reply_to_account_id).toBe(posted.body.account.id);

    const fav = await a.api(alice.token, "POST", `/api/v1/statuses/${posted.body.id}/favourite`);
    expect(fav.body.favourited).toBe(true);
    expect(fav.body.favourites_count).toBe(1);

    const context = await a.api(alice.token, "GET", `/api/v1/statuses/${reply.body.id}/context`);
    expect(context.body.ancestors.map((s: { id: string }) => s.id)).toEqual([posted.body.id]);
    expect(context.body.descendants).toEqual([]);
  });

  it("pages the home timeline through Link headers", async () => {
    const carol = await a.user("carol");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await a.api(carol.token, "POST", "/api/v1/statuses", { status: `note ${i}` })).body.id);
    const seen: string[] = [];
    let url: string | null = `/api/v1/timelines/home?limit=2`;
    while (url) {
      const response: Response = await fetch(new URL(url, a.origin), { headers: { authorization: `Bearer ${carol.token}` } });
      const page = (await response.json()) as Array<{ id: string }>;
      if (page.length === 0) break;
      seen.push(...page.map((s) => s.id));
      const link = response.headers.get("link") ?? "";
      url = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? null;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it("refuses to post with a read-only token", async () => {
    const reader = await a.user("reader", { scopes: "read" });
    const res = await a.api(reader.token, "POST", "/api/v1/statuses", { status: "should fail" });
    expect(res.status).toBe(403);
    expect(typeof res.body.error).toBe("string");
    expect((await a.api(null, "GET", "/api/v1/timelines/home")).status).toBe(401);
  });

  it("answers the instance documents with honest limits", async () => {
    const v1 = await a.api(null, "GET", "/api/v1/instance");
    expect(v1.body.uri).toBe(a.host);
    expect(v1.body.configuration.statuses.max_characters).toBeGreaterThan(0);
    const v2 = await a.api(null, "GET", "/api/v2/instance");
    expect(v2.body.domain).toBe(a.host);
    expect((await a.api(null, "GET", "/api/v1/custom_emojis")).body).toEqual([]);
  });
});

describe("groups through a client", () => {
  it("following a group account joins it; its posts reach the home timeline; members-only stays out of public", async () => {
    const created = await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "partners", visibility: "members_only", joinPolicy: "open" });
    expect(created.status).toBe(201);

    const lookup = await b.api(bob.token, "GET", `/api/v1/accounts/lookup?acct=partners@${a.host}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.group).toBe(true);
    const rel = await b.api(bob.token, "POST", `/api/v1/accounts/${lookup.body.id}/follow`);
    expect(rel.status).toBe(200);
    await eventually(async () => {
      const r = await b.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${lookup.body.id}`);
      return r.body[0].following === true;
    });

    // alice posts into the group by mentioning it.
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: `@partners@${a.host} Pricing update for Q1` });
    expect(post.body.visibility).toBe("private");
    // As Mastodon shows a group's Announce: a boost by the group account.
    const boosted = await eventually(async () => {
      const home = await b.api(bob.token, "GET", "/api/v1/timelines/home");
      return home.body.find((s: { reblog: { uri: string } | null }) => s.reblog?.uri === post.body.uri);
    });
    expect(boosted.account).toMatchObject({ acct: `partners@${a.host}`, group: true });
    const pub = await a.api(null, "GET", "/api/v1/timelines/public");
    expect(pub.body.some((s: { uri: string }) => s.uri === post.body.uri)).toBe(false);
    const outsider = await a.user("outsider");
    expect((await a.api(outsider.token, "GET", `/api/v1/statuses/${post.body.id}`)).status).toBe(404);
  });
});

describe("notifications, bookmarks, markers, search", () => {
  it("notifies favourites, follows and mentions across instances, filters by type, dismisses", async () => {
    const dana = await a.user("dana");
    const post = await a.api(dana.token, "POST", "/api/v1/statuses", { status: "Who is coming to the fair?" });
    await a.api(alice.token, "POST", `/api/v1/statuses/${post.body.id}/favourite`);
    // bob on B follows dana and mentions her.
    const lookup = await b.api(bob.token, "GET", `/api/v1/accounts/lookup?acct=dana@${a.host}`);
    await b.api(bob.token, "POST", `/api/v1/accounts/${lookup.body.id}/follow`);
    await b.api(bob.token, "POST", "/api/v1/statuses", { status: `@dana@${a.host} we are!` });

    const all = await eventually(async () => {
      const res = await a.api(dana.token, "GET", "/api/v1/notifications");
      const types = res.body.map((n: { type: string }) => n.type).sort();
      return types.join() === "favourite,follow,mention" ? res.body : null;
    });
    const favourite = all.find((n: { type: string }) => n.type === "favourite");
    expect(favourite.account.acct).toBe("alice");
    expect(favourite.status.id).toBe(post.body.id);
    expect(all.find((n: { type: string }) => n.type === "follow").account.acct).toBe(`bob@${b.host}`);

    const onlyMentions = await a.api(dana.token, "GET", "/api/v1/notifications?types[]=mention");
    expect(onlyMentions.body.map((n: { type: string }) => n.type)).toEqual(["mention"]);
    await a.api(dana.token, "POST", `/api/v1/notifications/${favourite.id}/dismiss`);
    const after = await a.api(dana.token, "GET", "/api/v1/notifications");
    expect(after.body.map((n: { type: string }) => n.type).sort()).toEqual(["follow", "mention"]);
  });

  it("bookmarks a status and remembers the read marker", async () => {
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Keep this one" });
    const marked = await a.api(alice.token, "POST", `/api/v1/statuses/${post.body.id}/bookmark`);
    expect(marked.body.bookmarked).toBe(true);
    const list = await a.api(alice.token, "GET", "/api/v1/bookmarks");
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([post.body.id]);
    await a.api(alice.token, "POST", "/api/v1/markers", { home: { last_read_id: post.body.id } });
    const markers = await a.api(alice.token, "GET", "/api/v1/markers");
    expect(markers.body.home.last_read_id).toBe(post.body.id);
  });

  it("search with resolve=true fetches a remote account and a remote status", async () => {
    const erin = await b.user("erin");
    const remote = await b.api(erin.token, "POST", "/api/v1/statuses", { status: "A status only B has" });
    const found = await a.api(alice.token, "GET", `/api/v2/search?q=${encodeURIComponent(`@erin@${b.host}`)}&resolve=true`);
    expect(found.body.accounts.map((x: { acct: string }) => x.acct)).toEqual([`erin@${b.host}`]);
    const status = await a.api(alice.token, "GET", `/api/v2/search?q=${encodeURIComponent(remote.body.uri)}&resolve=true&type=statuses`);
    expect(status.body.statuses[0].content).toContain("only B has");
  });
});

describe("boosts", () => {
  it("a boost reaches the booster's followers on another instance as a reblog, and can be withdrawn", async () => {
    const frank = await a.user("frank");
    const gwen = await b.user("gwen");
    // gwen on B follows frank on A.
    const lookup = await b.api(gwen.token, "GET", `/api/v1/accounts/lookup?acct=frank@${a.host}`);
    await b.api(gwen.token, "POST", `/api/v1/accounts/${lookup.body.id}/follow`);
    await eventually(async () => (await a.api(frank.token, "GET", "/api/v1/accounts/verify_credentials")).body.followers_count === 1);

    const original = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Worth sharing" });
    const boost = await a.api(frank.token, "POST", `/api/v1/statuses/${original.body.id}/reblog`);
    expect(boost.status).toBe(200);
    expect(boost.body.reblog.id).toBe(original.body.id);
    expect(boost.body.reblog.reblogged).toBe(true);
    expect(boost.body.reblog.reblogs_count).toBe(1);

    const onB = await eventually(async () => {
      const home = await b.api(gwen.token, "GET", "/api/v1/timelines/home");
      return home.body.find((s: { reblog: { uri: string } | null }) => s.reblog?.uri === original.body.uri);
    });
    expect(onB.account.acct).toBe(`frank@${a.host}`);
    const by = await a.api(alice.token, "GET", `/api/v1/statuses/${original.body.id}/reblogged_by`);
    expect(by.body.map((x: { acct: string }) => x.acct)).toEqual(["frank"]);

    await a.api(frank.token, "POST", `/api/v1/statuses/${original.body.id}/unreblog`);
    await eventually(async () => {
      const home = await b.api(gwen.token, "GET", "/api/v1/timelines/home");
      return !home.body.some((s: { reblog: { uri: string } | null }) => s.reblog?.uri === original.body.uri);
    });
  });

  it("refuses to boost a members-only post", async () => {
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: `@partners@${a.host} internal numbers` });
    expect(post.body.visibility).toBe("private");
    const res = await a.api(alice.token, "POST", `/api/v1/statuses/${post.body.id}/reblog`);
    expect(res.status).toBe(403);
  });
});

describe("media", () => {
  // A 2×1 PNG.
  const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHAgEA3bf1iAAAAABJRU5ErkJggg==", "base64");

  async function upload(token: string, bytes: Buffer, type: string, name: string) {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(bytes)], { type }), name);
    form.set("description", "A tiny test image");
    const res = await fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: await res.json() };
  }

  it("uploads an image, attaches it, serves it, and federates the attachment", async () => {
    const uploaded = await upload(alice.token, PNG, "image/png", "pixel.png");
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ type: "image", description: "A tiny test image", meta: { original: { width: 2, height: 1 } } });
    const file = await fetch(uploaded.body.url);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);

    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "With a picture", media_ids: [uploaded.body.id] });
    expect(post.body.media_attachments.map((m: { id: string }) => m.id)).toEqual([uploaded.body.id]);
    // Used once only.
    const again = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Again", media_ids: [uploaded.body.id] });
    expect(again.status).toBe(403);

    const found = await b.api(bob.token, "GET", `/api/v2/search?q=${encodeURIComponent(post.body.uri)}&resolve=true&type=statuses`);
    expect(found.body.statuses[0].media_attachments[0]).toMatchObject({ type: "image", url: uploaded.body.url, description: "A tiny test image" });
  });

  it("takes a file as the web composer does: a PDF becomes type unknown, attaches to a post and downloads as a file", async () => {
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
    const uploaded = await upload(alice.token, pdf, "application/pdf", "minutes.pdf");
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ type: "unknown", description: "A tiny test image", meta: {} });
    const file = await fetch(uploaded.body.url);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment;.*minutes\.pdf/);
    const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "The minutes", media_ids: [uploaded.body.id] });
    expect(post.body.media_attachments).toEqual([expect.objectContaining({ id: uploaded.body.id, type: "unknown" })]);
  });

  it("refuses the types the web composer refuses with a 422 that says why, storing nothing", async () => {
    const before = (await a.app.ctx.db.selectFrom("media_attachments").select("id").execute()).length;
    for (const [bytes, type, name] of [
      [Buffer.from("<html><script>alert(1)</script></html>"), "text/html", "page.html"],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), "image/svg+xml", "logo.svg"],
      [Buffer.from("MZ\x90\x00"), "application/octet-stream", "setup.exe"],
      [Buffer.from("not a pdf at all"), "application/pdf", "fake.pdf"],
    ] as const) {
      const res = await upload(alice.token, bytes, type, name);
      expect(res.status, name).toBe(422);
      expect(res.body.error, name).toMatch(new RegExp(name.replace(".", "\\.")));
    }
    expect((await a.app.ctx.db.selectFrom("media_attachments").select("id").execute()).length).toBe(before);
  });

  it("refuses a file that is not an image, whatever it claims to be", async () => {
    const res = await upload(alice.token, Buffer.from("<script>alert(1)</script>"), "image/png", "evil.png");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/Only image/);
  });
});
