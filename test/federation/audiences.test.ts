// Mastodon's four audiences across three instances, checked from a third
// account each time: alice (A) writes unlisted, followers-only and direct
// posts; bob (B) follows her; carol (C) is named in the direct one; dave (C)
// and mallory (A) are outsiders. Every door an outsider might try — the
// status API, the thread, search, streaming, the ActivityPub object — and
// the honest reader beside it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let alice: TestUser;
let mallory: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
const posts = {} as Record<"unlisted" | "private" | "direct", { id: string; uri: string }>;

const ids = (body: Array<{ id: string }>) => body.map((s) => s.id);
const uris = (body: Array<{ uri: string }>) => body.map((s) => s.uri);

/** A signed fetch from `instance`, as one of its users (or its instance actor). */
async function signedFetch(instance: TestInstance, identifier: string, url: string): Promise<number> {
  const ctx = instance.app.federation.createContext(new URL(instance.origin), instance.app.ctx);
  const loader = await ctx.getDocumentLoader({ identifier });
  try {
    await loader(url);
    return 200;
  } catch {
    return 404;
  }
}

async function resolve(instance: TestInstance, user: TestUser, q: string, type: "accounts" | "statuses") {
  const res = await instance.api(user.token, "GET", `/api/v2/search?q=${encodeURIComponent(q)}&resolve=true&type=${type}`);
  return res.body[type] as Array<{ id: string; uri: string; visibility?: string }>;
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  alice = await a.user("alice");
  mallory = await a.user("mallory");
  bob = await b.user("bob");
  carol = await c.user("carol");
  dave = await c.user("dave");
  const [aliceOnB] = await resolve(b, bob, `alice@${a.host}`, "accounts");
  await b.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB!.id}/follow`);
  await eventually(async () => (await b.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB!.id}`)).body[0]?.following === true);
  for (const visibility of ["unlisted", "private", "direct"] as const) {
    const text = visibility === "direct" ? `@carol@${c.host} the ${visibility} price list` : `the ${visibility} price list`;
    const res = await a.api(alice.token, "POST", "/api/v1/statuses", { status: text, visibility });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.visibility).toBe(visibility);
    posts[visibility] = { id: res.body.id, uri: res.body.uri };
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("unlisted", () => {
  it("reaches followers and the profile, but no public or tag timeline", async () => {
    const home = await eventually(async () => {
      const res = await b.api(bob.token, "GET", "/api/v1/timelines/home");
      return uris(res.body).includes(posts.unlisted.uri) ? res.body : null;
    });
    expect(home.find((s: { uri: string }) => s.uri === posts.unlisted.uri).visibility).toBe("unlisted");
    expect(uris((await b.api(bob.token, "GET", "/api/v1/timelines/public")).body)).not.toContain(posts.unlisted.uri);
    expect(ids((await a.api(mallory.token, "GET", "/api/v1/timelines/public")).body)).not.toContain(posts.unlisted.id);
    // Anyone with the link may read it, here and on a server that fetches it.
    expect((await a.api(mallory.token, "GET", `/api/v1/statuses/${posts.unlisted.id}`)).status).toBe(200);
    const aliceId = (await a.api(mallory.token, "GET", "/api/v1/accounts/lookup?acct=alice")).body.id;
    expect(ids((await a.api(mallory.token, "GET", `/api/v1/accounts/${aliceId}/statuses`)).body)).toEqual([posts.unlisted.id]);
    const [onC] = await resolve(c, dave, posts.unlisted.uri, "statuses");
    expect(onC?.visibility).toBe("unlisted");
  });
});

describe("followers only", () => {
  it("is read by a follower on another instance", async () => {
    const entry = await eventually(async () => {
      const res = await b.api(bob.token, "GET", "/api/v1/timelines/home");
      return res.body.find((s: { uri: string }) => s.uri === posts.private.uri) ?? null;
    });
    expect(entry.visibility).toBe("private");
    expect((await b.api(bob.token, "GET", `/api/v1/statuses/${entry.id}`)).status).toBe(200);
    expect(await signedFetch(b, "bob", posts.private.uri)).toBe(200);
    expect(await signedFetch(b, "__instance__", posts.private.uri)).toBe(200);
  });

  it("is not there for anyone else, at any door", async () => {
    for (const door of [`/api/v1/statuses/${posts.private.id}`, `/api/v1/statuses/${posts.private.id}/context`]) {
      expect((await a.api(mallory.token, "GET", door)).status, door).toBe(404);
      expect((await a.api(null, "GET", door)).status, door).toBe(404);
    }
    const found = await a.api(mallory.token, "GET", "/api/v2/search?q=private%20price&type=statuses");
    expect(found.body.statuses).toEqual([]);
    // Another instance with no follower of alice: nothing to fetch, signed or not.
    expect(await signedFetch(c, "dave", posts.private.uri)).toBe(404);
    expect(await signedFetch(c, "__instance__", posts.private.uri)).toBe(404);
    expect((await fetch(posts.private.uri, { headers: { accept: "application/activity+json" } })).ok).toBe(false);
    expect(await resolve(c, dave, posts.private.uri, "statuses")).toEqual([]);
  });
});

describe("direct", () => {
  it("reaches only the person it names, who finds it in conversations and may answer", async () => {
    const conversation = await eventually(async () => {
      const res = await c.api(carol.token, "GET", "/api/v1/conversations");
      return res.body.find((x: { last_status: { uri: string } }) => x.last_status.uri === posts.direct.uri) ?? null;
    });
    expect(conversation.unread).toBe(true);
    expect(conversation.last_status.visibility).toBe("direct");
    expect(conversation.accounts.map((x: { acct: string }) => x.acct)).toEqual([`alice@${a.host}`]);
    expect(uris((await c.api(carol.token, "GET", "/api/v1/timelines/home")).body)).toContain(posts.direct.uri);

    const read = await c.api(carol.token, "POST", `/api/v1/conversations/${conversation.id}/read`);
    expect(read.body.unread).toBe(false);

    // carol answers alice directly: alice's conversation shows the answer, unread.
    const answer = await c.api(carol.token, "POST", "/api/v1/statuses", {
      status: `@alice@${a.host} thanks, received`,
      visibility: "direct",
      in_reply_to_id: conversation.last_status.id,
    });
    expect(answer.body.visibility).toBe("direct");
    const mine = await eventually(async () => {
      const res = await a.api(alice.token, "GET", "/api/v1/conversations");
      return res.body.find((x: { last_status: { uri: string } }) => x.last_status.uri === answer.body.uri) ?? null;
    });
    expect(mine.unread).toBe(true);
    expect(mine.accounts.map((x: { acct: string }) => x.acct)).toEqual([`carol@${c.host}`]);
    // One thread, one conversation.
    expect((await a.api(alice.token, "GET", "/api/v1/conversations")).body).toHaveLength(1);

    expect((await a.api(alice.token, "DELETE", `/api/v1/conversations/${mine.id}`)).status).toBe(200);
    expect((await a.api(alice.token, "GET", "/api/v1/conversations")).body).toEqual([]);
    expect((await a.api(alice.token, "DELETE", `/api/v1/conversations/${mine.id}`)).status).toBe(404);
    expect((await c.api(dave.token, "POST", `/api/v1/conversations/${conversation.id}/read`)).status).toBe(404);
  });

  it("is not there for a follower, nor for a neighbour of the person named", async () => {
    const onC = (await c.api(carol.token, "GET", "/api/v1/conversations")).body[0].last_status;
    for (const door of [`/api/v1/statuses/${onC.id}`, `/api/v1/statuses/${onC.id}/context`]) {
      expect((await c.api(dave.token, "GET", door)).status, door).toBe(404);
    }
    expect((await c.api(dave.token, "GET", "/api/v2/search?q=direct%20price&type=statuses")).body.statuses).toEqual([]);
    expect(uris((await c.api(dave.token, "GET", "/api/v1/timelines/home")).body)).not.toContain(posts.direct.uri);
    expect((await c.api(dave.token, "GET", "/api/v1/conversations")).body).toEqual([]);
    // The follower's server was never sent it and may not fetch it.
    expect(uris((await b.api(bob.token, "GET", "/api/v1/timelines/home")).body)).not.toContain(posts.direct.uri);
    expect(await signedFetch(b, "bob", posts.direct.uri)).toBe(404);
    expect(await signedFetch(b, "__instance__", posts.direct.uri)).toBe(404);
    expect(await signedFetch(c, "dave", posts.direct.uri)).toBe(404);
    expect(await signedFetch(c, "carol", posts.direct.uri)).toBe(200);
    for (const door of [`/api/v1/statuses/${posts.direct.id}`, `/api/v1/statuses/${posts.direct.id}/context`]) {
      expect((await a.api(mallory.token, "GET", door)).status, door).toBe(404);
    }
  });
});

describe("deleting a direct message", () => {
  it("reaches the person it named, whose copy goes", async () => {
    const note = await a.api(alice.token, "POST", "/api/v1/statuses", { status: `@carol@${c.host} sent by mistake`, visibility: "direct" });
    const onC = await eventually(async () => {
      const home = await c.api(carol.token, "GET", "/api/v1/timelines/home");
      return home.body.find((s: { uri: string }) => s.uri === note.body.uri) ?? null;
    });
    expect((await a.api(alice.token, "DELETE", `/api/v1/statuses/${note.body.id}`)).status).toBe(200);
    await eventually(async () => (await c.api(carol.token, "GET", `/api/v1/statuses/${onC.id}`)).status === 404);
  });
});

describe("streaming", () => {
  it("tells an outsider nothing of unlisted, followers-only or direct posts", async () => {
    const controller = new AbortController();
    const response = await fetch(`${a.origin}/api/v1/streaming/public`, { headers: { authorization: `Bearer ${mallory.token}` }, signal: controller.signal });
    const user = await fetch(`${a.origin}/api/v1/streaming/user`, { headers: { authorization: `Bearer ${mallory.token}` }, signal: controller.signal });
    const timer = setTimeout(() => controller.abort(), 30_000);
    const markers = ["unlisted news", "private news", "direct news"];
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "unlisted news", visibility: "unlisted" });
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "private news", visibility: "private" });
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: `direct news for @carol@${c.host}`, visibility: "direct" });
    // Written last: once each stream has told of it, it has passed the others by.
    await a.api(mallory.token, "POST", "/api/v1/statuses", { status: "sentinel" });
    try {
      for (const stream of [response, user]) {
        const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
        let text = "";
        while (!text.includes("sentinel")) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
        expect(text).toContain("sentinel");
        for (const marker of markers) expect(text).not.toContain(marker);
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }, 60_000);
});
