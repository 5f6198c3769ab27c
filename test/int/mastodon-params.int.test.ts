// How Mastodon apps send requests: paths with a trailing slash, Rails booleans
// (`True`, `1`, `on`, `yes`), ids as JSON numbers, and local mentions written
// `@user` — each answered as Mastodon answers it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
});

afterAll(async () => {
  await a?.close();
});

async function postRaw(token: string, json: string) {
  const res = await fetch(new URL("/api/v1/statuses", a.origin), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: json,
  });
  return { status: res.status, body: await res.json() };
}

describe("router", () => {
  it("answers paths with a trailing slash like the path without it", async () => {
    const plain = await a.api(null, "GET", "/api/v1/instance");
    const slashed = await a.api(null, "GET", "/api/v1/instance/");
    expect(slashed.status).toBe(200);
    expect(slashed.body.uri).toBe(plain.body.uri);
    const me = await a.api(alice.token, "GET", "/api/v1/accounts/verify_credentials/");
    expect(me.body.username).toBe("alice");
  });

  it("serves the sign-in page at /oauth/authorize/ too", async () => {
    const app = await a.api(null, "POST", "/api/v1/apps", { client_name: "cli", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" });
    const url = `/oauth/authorize/?response_type=code&client_id=${app.body.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read`;
    const page = await a.api(null, "GET", url);
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("<form");
  });
});

describe("parameters as Rails reads them", () => {
  it("takes True, 1, on and yes as true and 0, false, off as false", async () => {
    const local = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "a local post for the flag test" });
    for (const value of ["true", "True", "1", "on", "yes"]) {
      const res = await a.api(null, "GET", `/api/v1/timelines/public?local=${value}`);
      expect(res.status, value).toBe(200);
      expect(
        res.body.map((s: { id: string }) => s.id),
        value,
      ).toContain(local.body.id);
    }
    // remote=0 / false / off means "not only remote": the local post is still there.
    for (const value of ["0", "false", "off"]) {
      const res = await a.api(null, "GET", `/api/v1/timelines/public?remote=${value}`);
      expect(
        res.body.map((s: { id: string }) => s.id),
        value,
      ).toContain(local.body.id);
    }
    const remoteOnly = await a.api(null, "GET", "/api/v1/timelines/public?remote=True");
    expect(remoteOnly.body.map((s: { id: string }) => s.id)).not.toContain(local.body.id);
  });

  it("takes sensitive as a form boolean", async () => {
    const res = await fetch(new URL("/api/v1/statuses", a.origin), {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "status=careful&sensitive=on&spoiler_text=cw",
    });
    const status = await res.json();
    expect(status.sensitive).toBe(true);
  });

  it("takes in_reply_to_id and markers as JSON numbers", async () => {
    const parent = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "parent" });
    // A 19-digit id sent as a JSON number (as Python and Ruby clients do) keeps its digits.
    const reply = await postRaw(bob.token, `{"status": "child", "in_reply_to_id": ${parent.body.id}}`);
    expect(reply.status).toBe(200);
    expect(reply.body.in_reply_to_id).toBe(parent.body.id);

    const marked = await a.api(alice.token, "POST", "/api/v1/markers", { home: { last_read_id: 12345 } });
    expect(marked.status).toBe(200);
    expect(marked.body.home.last_read_id).toBe("12345");
    const read = await a.api(alice.token, "GET", "/api/v1/markers?timeline[]=home");
    expect(read.body.home.last_read_id).toBe("12345");
  });

  it("refuses an id that is neither a string nor a number, and stores nothing", async () => {
    const before = await a.api(alice.token, "GET", "/api/v1/markers");
    const bad = await a.api(alice.token, "POST", "/api/v1/markers", { home: { last_read_id: { $gt: 1 } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatch(/last_read_id/);
    const after = await a.api(alice.token, "GET", "/api/v1/markers");
    expect(after.body).toEqual(before.body);
    const badReply = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "x", in_reply_to_id: [1, 2] });
    expect(badReply.status).toBe(422);
  });
});

describe("bodies checked by the route's schema, whatever the encoding", () => {
  const send = (path: string, contentType: string | null, body: string | FormData) =>
    fetch(new URL(path, a.origin), {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, ...(contentType ? { "content-type": contentType } : {}) },
      body,
    });

  it("reads a filter sent as a form with name[] lists and name[][field] keys", async () => {
    const res = await send(
      "/api/v2/filters",
      "application/x-www-form-urlencoded",
      "title=Spoilers&context[]=home&context[]=public&keywords_attributes[][keyword]=finale&keywords_attributes[][whole_word]=on",
    );
    expect(res.status).toBe(200);
    const filter = await res.json();
    expect(filter.context).toEqual(["home", "public"]);
    expect(filter.keywords).toEqual([expect.objectContaining({ keyword: "finale", whole_word: true })]);
  });

  it("reads a status sent as multipart/form-data", async () => {
    const form = new FormData();
    form.append("status", "from a multipart app");
    form.append("sensitive", "1");
    form.append("visibility", "unlisted");
    const res = await send("/api/v1/statuses", null, form);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sensitive: true, visibility: "unlisted" });
  });

  it("refuses a field of the wrong kind with a 422 naming it, and stores nothing", async () => {
    const before = (await a.api(alice.token, "GET", "/api/v2/filters")).body.length;
    const bad = await send("/api/v2/filters", "application/x-www-form-urlencoded", "title=Later&context[]=home&expires_in=soon");
    expect(bad.status).toBe(422);
    expect((await bad.json()).error).toMatch(/expires_in/);
    const list = await a.api(alice.token, "POST", "/api/v1/lists", { title: "Team", exclusive: { yes: 1 } });
    expect(list.status).toBe(422);
    expect(list.body.error).toMatch(/exclusive/);
    expect((await a.api(alice.token, "GET", "/api/v2/filters")).body.length).toBe(before);
    expect((await a.api(alice.token, "GET", "/api/v1/lists")).body.map((l: { title: string }) => l.title)).not.toContain("Team");
  });
});

describe("local mentions", () => {
  it("links @bob to the local account and notifies bob", async () => {
    const posted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Thanks @bob, see you. Mail me at alice@example.com" });
    expect(posted.status).toBe(200);
    expect(posted.body.mentions).toEqual([expect.objectContaining({ username: "bob", acct: "bob" })]);
    expect(posted.body.content).toContain('class="u-url mention"');
    expect(posted.body.content).toContain("alice@example.com");
    const notes = await a.api(bob.token, "GET", "/api/v1/notifications?types[]=mention");
    expect(notes.body.map((n: { status: { id: string } }) => n.status.id)).toContain(posted.body.id);
  });

  it("leaves an unknown @name as plain text", async () => {
    const posted = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "hello @nobody_here." });
    expect(posted.body.mentions).toEqual([]);
    expect(posted.body.content).toContain("@nobody_here.");
  });
});
