// Findings 17 and 18: a token reads only what its scopes say. A `push`,
// `profile` or `write:media` token used to read everything its user may see
// through the reads that answer signed out too (Mastodon answers 403 there:
// `authorize_if_got_token! :read`), and a `read:notifications` token heard
// statuses on the streams. Each refusal sits beside the honest `read` call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("finding 17: signed-in reads need a read scope", () => {
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

  it("refuses a push token on a media file, and serves a read token", async () => {
    const refused = await fetch(fileUrl, { headers: { authorization: `Bearer ${tokens.push}` } });
    expect(refused.status).toBe(403);
    const served = await fetch(fileUrl, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
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
