// Issue 11, class 9 (availability): input built to stall or exhaust the
// server. Each case runs the attack, checks that the server kept answering
// and stored nothing from it, and runs the honest version next to it.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startHostileGarden, type HostileGarden } from "./hostile-garden.ts";
import { AS_CONTEXT, type HostilePeer } from "./hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let bob: TestUser;
let gardenUri: string;
let mallory: { uri: string; keyId: string };
let counter = 0;

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
// A 2×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHAgEA3bf1iAAAAABJRU5ErkJggg==", "base64");

function createNote(content: string, extra: Record<string, unknown> = {}) {
  counter += 1;
  return {
    "@context": AS_CONTEXT,
    id: `${peer.origin}/activities/${counter}`,
    type: "Create",
    actor: mallory.uri,
    to: [PUBLIC],
    cc: [gardenUri],
    object: { id: `${peer.origin}/notes/${counter}`, type: "Note", attributedTo: mallory.uri, to: [PUBLIC], cc: [gardenUri], content, ...extra },
  };
}

function storedPost(uri: string) {
  return a.app.ctx.db.selectFrom("posts").select(["content_html"]).where("uri", "=", uri).executeTakeFirst();
}

const recorded = (activityUri: string) => garden.recorded(activityUri);

/** Polls /healthz every 50 ms until `done` resolves; returns the slowest answer in ms. */
async function slowestHealthCheckWhile(done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let slowest = 0;
  while (!finished) {
    const started = performance.now();
    const res = await fetch(`${a.origin}/healthz`);
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return slowest;
}

/** Sends headers and the first chunk of a body that never ends; resolves with the status the server answers. */
function answerBeforeBodyEnds(path: string, headers: Record<string, string>, firstChunk: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, a.origin);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers }, (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    req.on("error", (error) => {
      if (!(error as NodeJS.ErrnoException).code?.startsWith("ECONN")) reject(error);
    });
    req.write(firstChunk);
    // Never req.end(): an answer proves the server did not wait for (or buffer) the rest.
    setTimeout(() => reject(new Error("no answer within 5 s: the server is waiting for the body")), 5_000).unref();
  });
}

let garden: HostileGarden;

beforeAll(async () => {
  garden = await startHostileGarden();
  ({ a, b, peer, olga, bob, gardenUri, mallory } = garden);
});

afterAll(async () => {
  await garden?.close();
});

describe("HTML built to stall the sanitizer", () => {
  it("stores a 1 MB note of nested tags as text without stalling the server; an honest note keeps its markup", async () => {
    const bomb = createNote("<span>".repeat(120_000) + "<b>".repeat(80_000) + "tail");
    expect(JSON.stringify(bomb).length).toBeGreaterThan(900_000);
    const sent = await peer.post(`${a.origin}/users/garden/inbox`, bomb, mallory.keyId);
    expect(sent.status).toBe(202);
    const stored = eventually(async () => storedPost(bomb.object.id), 20_000);
    // Before the bound, this note held the event loop for over 30 s.
    expect(await slowestHealthCheckWhile(stored)).toBeLessThan(2_000);
    const row = await stored;
    expect(row!.content_html).not.toContain("<span");
    expect(row!.content_html.length).toBeLessThan(1_000);

    const honest = createNote('<p>Hello <strong>garden</strong>, see <a href="https://example.com/x">this</a></p>');
    expect((await peer.post(`${a.origin}/users/garden/inbox`, honest, mallory.keyId)).status).toBe(202);
    const kept = await eventually(async () => storedPost(honest.object.id));
    expect(kept!.content_html).toContain("<strong>garden</strong>");
    expect(kept!.content_html).toContain('href="https://example.com/x"');
  });

  it("keeps the text of a note nested deeper than 64 levels, drops its markup; 20 levels of quotes stay markup", async () => {
    const deep = createNote("<blockquote>".repeat(80) + "deep words" + "</blockquote>".repeat(80));
    const quoted = createNote("<blockquote>".repeat(20) + "quoted words" + "</blockquote>".repeat(20));
    for (const note of [deep, quoted]) expect((await peer.post(`${a.origin}/users/garden/inbox`, note, mallory.keyId)).status).toBe(202);
    const deepRow = await eventually(async () => storedPost(deep.object.id));
    expect(deepRow!.content_html).toContain("deep words");
    expect(deepRow!.content_html).not.toContain("<blockquote>");
    const quotedRow = await eventually(async () => storedPost(quoted.object.id));
    expect(quotedRow!.content_html).toContain("<blockquote><blockquote>");
    expect(quotedRow!.content_html).toContain("quoted words");
  });
});

describe("JSON and JSON-LD bodies that are malformed or nested too deep", () => {
  function nested(depth: number): unknown {
    let value: unknown = "x";
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  }

  it("answers 400 at the inbox to a signed activity nested 2,000 levels deep, and to a body that is not JSON; nothing recorded", async () => {
    const deep = createNote("<p>deep</p>", { tag: nested(2_000) });
    const res = await peer.post(`${a.origin}/users/garden/inbox`, deep, mallory.keyId);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/deeper than 64/);
    for (const path of ["/inbox", "/users/garden/inbox"]) {
      const broken = await fetch(`${a.origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/activity+json" },
        body: '{"type": "Create", ',
      });
      expect(broken.status).toBe(400);
    }
    expect(await recorded(deep.id)).toBe(0);
    expect(await storedPost(deep.object.id)).toBeUndefined();
    // Control: the same activity at an honest depth is taken.
    const honest = createNote("<p>shallow</p>", { tag: nested(3) });
    expect((await peer.post(`${a.origin}/users/garden/inbox`, honest, mallory.keyId)).status).toBe(202);
    await eventually(async () => storedPost(honest.object.id));
  });

  it("answers 400 on the Mastodon and Ecotone APIs and OAuth to deep or malformed JSON; a normal body still works", async () => {
    const deep = `{"status": "hello", "poll": ${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    for (const path of ["/api/v1/statuses", "/api/ecotone/v1/posts", "/api/v1/apps", "/oauth/token"]) {
      for (const body of [deep, '{"status": "unterminated']) {
        const res = await fetch(`${a.origin}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${olga.token}`, "content-type": "application/json" },
          body,
        });
        expect([path, res.status]).toEqual([path, 400]);
      }
    }
    const statuses = await a.api(
      olga.token,
      "GET",
      `/api/v1/accounts/${(await a.api(olga.token, "GET", "/api/v1/accounts/verify_credentials")).body.id}/statuses`,
    );
    expect(statuses.body).toEqual([]);
    const ok = await a.api(olga.token, "POST", "/api/v1/statuses", { status: "an honest status" });
    expect(ok.status).toBe(200);
  });
});

describe("multipart bodies", () => {
  it("refuses a bad token before reading the body: 401 while the client is still sending", async () => {
    const boundary = "xyz";
    const status = await answerBeforeBodyEnds(
      "/api/v2/media",
      { authorization: "Bearer not-a-token", "content-type": `multipart/form-data; boundary=${boundary}` },
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
        Buffer.alloc(1024 * 1024),
      ]),
    );
    expect(status).toBe(401);
  });

  it("refuses a file from an anonymous request as soon as it starts: 401, nothing buffered", async () => {
    const boundary = "xyz";
    const status = await answerBeforeBodyEnds(
      "/api/v1/apps",
      { "content-type": `multipart/form-data; boundary=${boundary}` },
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        Buffer.alloc(1024 * 1024),
      ]),
    );
    expect(status).toBe(401);
  });

  it("caps an anonymous request's fields (count and size) with 413 and registers no app; a normal multipart registration works", async () => {
    const manyFields = new FormData();
    manyFields.set("client_name", "Flood");
    manyFields.set("redirect_uris", "urn:ietf:wg:oauth:2.0:oob");
    for (let i = 0; i < 40; i++) manyFields.set(`f${i}`, "x");
    const many = await fetch(`${a.origin}/api/v1/apps`, { method: "POST", body: manyFields });
    expect(many.status).toBe(413);
    const bigField = new FormData();
    bigField.set("client_name", "x".repeat(100_000));
    bigField.set("redirect_uris", "urn:ietf:wg:oauth:2.0:oob");
    const big = await fetch(`${a.origin}/api/v1/apps`, { method: "POST", body: bigField });
    expect(big.status).toBe(413);
    const apps = await a.app.ctx.db.selectFrom("oauth_apps").select("name").execute();
    expect(apps).toEqual([]);

    const honest = new FormData();
    honest.set("client_name", "Honest app");
    honest.set("redirect_uris", "urn:ietf:wg:oauth:2.0:oob");
    honest.set("scopes", "read write");
    const registered = await fetch(`${a.origin}/api/v1/apps`, { method: "POST", body: honest });
    expect(registered.status).toBe(200);
    expect((await a.app.ctx.db.selectFrom("oauth_apps").select("name").execute()).map((r) => r.name)).toEqual(["Honest app"]);
  });

  it("lets a signed-in client upload a file, but not two, nor one over 10 MiB", async () => {
    const upload = async (files: Array<[Buffer, string]>) => {
      const form = new FormData();
      for (const [bytes, name] of files) form.append("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), name);
      return fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${bob.token}` }, body: form });
    };
    const b2 = await fetch(`${b.origin}/api/v2/media`, {
      method: "POST",
      headers: { authorization: `Bearer ${bob.token}` },
      body: (() => {
        const form = new FormData();
        form.set("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "pixel.png");
        form.set("description", "a pixel");
        return form;
      })(),
    });
    expect(b2.status).toBe(200);
    expect((await b2.json()).description).toBe("a pixel");
    // bob's token is from b: on a it is just a bad token.
    expect((await upload([[PNG, "pixel.png"]])).status).toBe(401);
    const two = await fetch(`${b.origin}/api/v2/media`, {
      method: "POST",
      headers: { authorization: `Bearer ${bob.token}` },
      body: (() => {
        const form = new FormData();
        form.append("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "one.png");
        form.append("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "two.png");
        return form;
      })(),
    });
    expect(two.status).toBe(413);
    const huge = await fetch(`${b.origin}/api/v2/media`, {
      method: "POST",
      headers: { authorization: `Bearer ${bob.token}` },
      body: (() => {
        const form = new FormData();
        form.set("file", new Blob([new Uint8Array(11 * 1024 * 1024)], { type: "image/png" }), "huge.png");
        return form;
      })(),
    });
    expect(huge.status).toBe(413);
    const media = await b.app.ctx.db.selectFrom("media_attachments").select("id").execute();
    expect(media).toHaveLength(1);
  });
});
