// Findings 23 and 24: a token reads only what its scopes say. A `push`,
// `profile` or `write:media` token used to read everything its user may see
// through the reads that answer signed out too (Mastodon answers 403 there:
// `authorize_if_got_token! :read`), and a `read:notifications` token heard
// statuses on the streams. Each refusal sits beside the honest `read` call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createToken } from "../../src/services/accounts/token.service.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
const tokens: Record<"media" | "push" | "profile" | "poster" | "follower" | "notes" | "statuses", string> = {
  media: "",
  push: "",
  profile: "",
  poster: "",
  follower: "",
  notes: "",
  statuses: "",
};
let aliceId = "";
let privatePost = "";
let groupPost = "";
let fileUrl = "";

// A 2×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHAgEA3bf1iAAAAABJRU5ErkJggg==", "base64");

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  const ctx = a.app.ctx;
  tokens.media = await createToken(ctx, "alice", { scopes: "write:media" });
  tokens.push = await createToken(ctx, "alice", { scopes: "push" });
  tokens.profile = await createToken(ctx, "alice", { scopes: "profile" });
  tokens.poster = await createToken(ctx, "alice", { scopes: "write:statuses" });
  tokens.follower = await createToken(ctx, "bob", { scopes: "follow" });
  tokens.notes = await createToken(ctx, "bob", { scopes: "read:notifications" });
  tokens.statuses = await createToken(ctx, "bob", { scopes: "read:statuses" });
  aliceId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=alice")).body.id;

  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "pixel.png");
  const upload = await fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${alice.token}` }, body: form });
  const media = (await upload.json()) as { id: string; url: string };
  fileUrl = media.url;
  const post = await a.api(alice.token, "POST", "/api/v1/statuses", {
    status: "Followers only: the pallet price",
    visibility: "private",
    media_ids: [media.id],
  });
  expect(post.status).toBe(200);
  privatePost = post.body.id;

  const group = await a.api(alice.token, "POST", "/api/ecotone/v1/groups", {
    slug: "board",
    name: "Board",
    visibility: "members_only",
    joinPolicy: "approval",
  });
  expect(group.status).toBe(201);
  const inside = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Board minutes: the merger" });
  expect(inside.status).toBe(201);
  groupPost = inside.body.id;
});

afterAll(async () => {
  await a?.close();
});

describe("finding 23: signed-in reads need a read scope", () => {
  const mastodonReads = () => [`/api/v1/statuses/${privatePost}`, `/api/v1/statuses/${privatePost}/context`, `/api/v1/accounts/${aliceId}/statuses`];

  it("refuses a write:media, push or profile token on the Mastodon reads, and answers a read token", async () => {
    for (const path of mastodonReads()) {
      for (const token of [tokens.media, tokens.push, tokens.profile]) {
        const refused = await a.api(token, "GET", path);
        expect([path, refused.status]).toEqual([path, 403]);
        expect(refused.body.error).toMatch(/lacks the read scope/);
        expect(JSON.stringify(refused.body)).not.toContain("pallet");
      }
      expect([path, (await a.api(alice.token, "GET", path)).status]).toEqual([path, 200]);
    }
    const statuses = await a.api(alice.token, "GET", `/api/v1/accounts/${aliceId}/statuses`);
    expect(statuses.body.map((s: { id: string }) => s.id)).toContain(privatePost);
    // Signed out, the followers-only post is not there at all.
    expect((await a.api(null, "GET", `/api/v1/statuses/${privatePost}`)).status).toBe(404);
    // A granular read scope is enough: bob's read:statuses token reads what bob may.
    expect((await a.api(tokens.statuses, "GET", `/api/v1/accounts/${aliceId}/statuses`)).status).toBe(200);
  });

  it("refuses a write:media or push token on the Ecotone reads of a members-only group, and answers a read token", async () => {
    const paths = ["/api/ecotone/v1/groups/board/posts", `/api/ecotone/v1/posts/${groupPost}`, "/api/ecotone/v1/groups/board/tasks"];
    for (const path of paths) {
      for (const token of [tokens.media, tokens.push]) {
        const refused = await a.api(token, "GET", path);
        expect([path, refused.status]).toEqual([path, 403]);
        expect(refused.body.error.message).toMatch(/lacks the read scope/);
        expect(JSON.stringify(refused.body)).not.toContain("merger");
      }
      expect([path, (await a.api(alice.token, "GET", path)).status]).toEqual([path, 200]);
    }
    expect(JSON.stringify((await a.api(alice.token, "GET", "/api/ecotone/v1/groups/board/posts")).body)).toContain("merger");
  });

  it("serves files to a push or write:media token exactly as to a caller without a token, as Mastodon serves files", async () => {
    // A file's address is its capability (an unguessable name): anyone holding the link may
    // fetch it, on Mastodon as here, so a token without a read scope neither adds nor takes away.
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "public.png");
    const upload = await fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${alice.token}` }, body: form });
    const media = (await upload.json()) as { id: string; url: string };
    expect((await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Public: the new dock", media_ids: [media.id] })).status).toBe(200);
    for (const url of [fileUrl, media.url]) {
      const anonymous = await fetch(url);
      for (const token of [tokens.push, tokens.media, alice.token]) {
        const served = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        expect([url, served.status]).toEqual([url, anonymous.status]);
        expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
      }
    }
  });

  it("answers a tag and trending tags to any token, without its user's follows unless the token may read them", async () => {
    expect((await a.api(alice.token, "POST", "/api/v1/tags/pallets/follow")).body.following).toBe(true);
    const asPush = await a.api(tokens.push, "GET", "/api/v1/tags/pallets");
    expect(asPush.status).toBe(200);
    expect(asPush.body.following).toBeFalsy();
    expect((await a.api(alice.token, "GET", "/api/v1/tags/pallets")).body.following).toBe(true);
    expect((await a.api(tokens.push, "GET", "/api/v1/trends/tags")).status).toBe(200);
  });

  it("still answers writes made with write-only tokens", async () => {
    const posted = await a.api(tokens.poster, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Written with write:statuses" });
    expect(posted.status).toBe(201);
    expect(JSON.stringify(posted.body)).toContain("Written with write:statuses");
    const followed = await a.api(tokens.follower, "POST", `/api/v1/accounts/${aliceId}/follow`);
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({ id: aliceId, following: true });
  });
});

interface SseEvent {
  event: string;
  data: string;
}

/** The status of an SSE stream, and the events it sent within `ms` while `act` ran. */
async function listen(path: string, token: string, ms: number, act: () => Promise<void> = async () => {}): Promise<{ status: number; events: SseEvent[] }> {
  const controller = new AbortController();
  const response = await fetch(`${a.origin}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (response.status !== 200) return { status: response.status, events: [] };
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  const timer = setTimeout(() => controller.abort(), ms);
  let buffer = "";
  await new Promise((resolve) => setTimeout(resolve, 300));
  await act();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) events.push({ event, data });
      }
    }
  } catch {
    // aborted: the events so far are the answer
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: 200, events };
}

function upgrade(query: string, token: string): Promise<{ status: number; ws?: WebSocket; messages: unknown[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${a.origin.replace(/^http/, "ws")}/api/v1/streaming${query}`, { headers: { authorization: `Bearer ${token}` } });
    const messages: unknown[] = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    ws.once("open", () => resolve({ status: 101, ws, messages }));
    ws.once("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0, messages }));
    ws.once("error", reject);
  });
}

describe("finding 24: streams by scope", () => {
  it("a read:notifications token gets notifications, and no statuses, edits or deletions", async () => {
    // Status streams are refused (the honest read token is let in).
    for (const path of ["/api/v1/streaming/user", "/api/v1/streaming/public", "/api/v1/streaming/hashtag?tag=fair"]) {
      expect([path, (await listen(path, tokens.notes, 500)).status]).toEqual([path, 403]);
      expect([path, (await listen(path, bob.token, 500)).status]).toEqual([path, 200]);
    }
    // bob follows alice (finding 23's last test), so her posts are in his home.
    await a.api(bob.token, "POST", `/api/v1/accounts/${aliceId}/follow`);
    const act = async () => {
      const post = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "hello @bob" });
      await a.api(alice.token, "PUT", `/api/v1/statuses/${post.body.id}`, { status: "hello @bob, edited" });
      const gone = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "soon gone" });
      await a.api(alice.token, "DELETE", `/api/v1/statuses/${gone.body.id}`);
    };
    const heard = await listen("/api/v1/streaming/user/notification", tokens.notes, 5_000, act);
    expect(heard.status).toBe(200);
    expect(heard.events.map((e) => e.event)).toContain("notification");
    expect(heard.events.filter((e) => e.event !== "notification")).toEqual([]);
    // The honest control: a read token on the user stream hears the statuses too.
    const honest = await listen("/api/v1/streaming/user", bob.token, 5_000, act);
    expect(honest.events.map((e) => e.event)).toEqual(expect.arrayContaining(["update", "notification", "status.update", "delete"]));
  });

  it("over WebSocket: the status streams are refused to a read:notifications token, its notification stream is not", async () => {
    expect((await upgrade("?stream=user", tokens.notes)).status).toBe(403);
    expect((await upgrade("?stream=public", tokens.notes)).status).toBe(403);
    const opened = await upgrade("?stream=user:notification", tokens.notes);
    expect(opened.status).toBe(101);
    opened.ws!.send(JSON.stringify({ type: "subscribe", stream: "public" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "public news" });
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "again @bob" });
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline && !opened.messages.some((m) => (m as { event?: string }).event === "notification")) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    opened.ws!.close();
    expect(opened.messages).toContainEqual({ error: "The public stream needs the read:statuses scope" });
    const events = opened.messages.map((m) => (m as { event?: string }).event).filter(Boolean);
    expect(events).toContain("notification");
    expect(events.filter((e) => e !== "notification")).toEqual([]);
    // The control: a read token subscribes to public and hears the post.
    const honest = await upgrade("?stream=public", bob.token);
    expect(honest.status).toBe(101);
    honest.ws!.close();
  });
});
