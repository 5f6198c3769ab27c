// Issue 7: the client APIs. A token may only do what its scopes say, and a
// refused OAuth step leaves nothing behind (no code, no token, no session).
//
// The refusals themselves are also asserted, with the happy paths around
// them, in test/int/oauth-flow.int.test.ts (wrong redirect_uri, wrong PKCE
// verifier, reused code, forms without or with a forged CSRF token, 429 after
// ten wrong passwords), test/int/oauth.int.test.ts (tampered scope or
// redirect in the form, replayed refresh tokens, plain PKCE) and
// test/int/mastodon.int.test.ts (a read token cannot post). What is new here:
// every write endpoint is tried with a read token, and the database is
// checked after every refusal.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

const REDIRECT = "https://app.example/callback";

let a: TestInstance;
let olga: TestUser;
let reader: TestUser;
let poster: TestUser;
let bob: TestUser;
let olgaStatus: string;
let bobAccount: string;

/** Row counts of everything a write could touch. */
async function snapshot() {
  const db = a.app.ctx.db;
  const count = async (
    table:
      | "posts"
      | "likes"
      | "reblogs"
      | "bookmarks"
      | "follows"
      | "media_attachments"
      | "groups"
      | "notifications"
      | "api_tokens"
      | "oauth_codes"
      | "sessions"
      | "outbox_events",
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const tables = [
    "posts",
    "likes",
    "reblogs",
    "bookmarks",
    "follows",
    "media_attachments",
    "groups",
    "notifications",
    "api_tokens",
    "oauth_codes",
    "sessions",
    "outbox_events",
  ] as const;
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = await count(t);
  const profile = await db
    .selectFrom("actors")
    .select(["name", "summary", "locked"])
    .where("username", "=", "reader")
    .where("is_local", "=", true)
    .executeTakeFirstOrThrow();
  return { counts, profile };
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function registerApp(scopes = "read write") {
  const res = await fetch(`${a.origin}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "Probe", redirect_uris: REDIRECT, scopes }),
  });
  return (await res.json()) as { id: string; client_id: string; client_secret: string };
}

/** Loads the consent page and posts its form as a browser would; `csrf: null` drops the token. */
async function authorize(app: { client_id: string }, options: { challenge?: string; password?: string; csrf?: string | null; username?: string } = {}) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    scope: "read write",
    ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: "S256" } : {}),
  });
  const page = await fetch(`${a.origin}/oauth/authorize?${query}`);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!);
  if (options.csrf === null) form.delete("csrf_token");
  else if (options.csrf) form.set("csrf_token", options.csrf);
  form.set("username", options.username ?? "olga");
  form.set("password", options.password ?? "correct horse battery staple");
  form.set("decision", "approve");
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return fetch(`${a.origin}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: form.toString(),
  });
}

async function token(body: Record<string, string>) {
  const res = await fetch(`${a.origin}/oauth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  bob = await a.user("bob");
  reader = await a.user("reader", { scopes: "read" });
  poster = await a.user("poster", { scopes: "read write:statuses" });
  const status = await a.api(olga.token, "POST", "/api/v1/statuses", { status: "Hello from olga" });
  olgaStatus = status.body.id;
  bobAccount = (await a.api(bob.token, "GET", "/api/v1/accounts/verify_credentials")).body.id;
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "board", visibility: "public", joinPolicy: "open" });
});

afterAll(async () => {
  await a?.close();
});

describe("scopes", () => {
  it("refuses every write with a read-only token, and nothing changes", async () => {
    const before = await snapshot();
    const media = new FormData();
    media.set("file", new Blob([Buffer.from("89504e470d0a1a0a", "hex")], { type: "image/png" }), "x.png");
    const attempts: Array<[string, string, unknown?]> = [
      ["POST", "/api/v1/statuses", { status: "should not exist" }],
      ["PUT", `/api/v1/statuses/${olgaStatus}`, { status: "edited" }],
      ["DELETE", `/api/v1/statuses/${olgaStatus}`],
      ["POST", `/api/v1/statuses/${olgaStatus}/favourite`],
      ["POST", `/api/v1/statuses/${olgaStatus}/reblog`],
      ["POST", `/api/v1/statuses/${olgaStatus}/bookmark`],
      ["POST", `/api/v1/accounts/${bobAccount}/follow`],
      ["PATCH", "/api/v1/accounts/update_credentials", { display_name: "Pwned", note: "pwned", locked: true }],
      ["POST", "/api/v1/notifications/clear"],
      ["POST", "/api/ecotone/v1/posts", { group: "board", content: "should not exist" }],
      ["POST", "/api/ecotone/v1/groups", { slug: "sneaky" }],
      ["POST", "/api/ecotone/v1/follows", { target: bob.handle }],
      ["POST", "/api/ecotone/v1/groups/board/join"],
    ];
    for (const [method, path, body] of attempts) {
      const res = await a.api(reader.token, method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
    const upload = await fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${reader.token}` }, body: media });
    expect(upload.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // Reading still works: the token is valid, only its scope is short.
    expect((await a.api(reader.token, "GET", `/api/v1/statuses/${olgaStatus}`)).status).toBe(200);
  });

  it("a write:statuses token posts, but cannot follow, favourite or change the profile", async () => {
    const posted = await a.api(poster.token, "POST", "/api/v1/statuses", { status: "allowed" });
    expect(posted.status).toBe(200);
    const before = await snapshot();
    for (const [method, path, body] of [
      ["POST", `/api/v1/accounts/${bobAccount}/follow`],
      ["POST", `/api/v1/statuses/${olgaStatus}/favourite`],
      ["PATCH", "/api/v1/accounts/update_credentials", { display_name: "Pwned" }],
    ] as Array<[string, string, unknown?]>) {
      const res = await a.api(poster.token, method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("OAuth refusals leave nothing behind", () => {
  it("a wrong PKCE verifier or redirect_uri issues no token, and burns the code", async () => {
    const app = await registerApp();
    const { verifier, challenge } = pkce();
    for (const wrong of [{ code_verifier: "a".repeat(43) }, { code_verifier: verifier, redirect_uri: "https://app.example/other" }]) {
      const approved = await authorize(app, { challenge });
      expect(approved.status).toBe(302);
      const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
      const before = await snapshot();
      const refused = await token({
        grant_type: "authorization_code",
        code,
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: REDIRECT,
        ...wrong,
      });
      expect(refused.body.error).toBe("invalid_grant");
      const after = await snapshot();
      expect(after.counts.api_tokens).toBe(before.counts.api_tokens);
      // The code cannot be retried with the right values either.
      const retry = await token({
        grant_type: "authorization_code",
        code,
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      expect(retry.body.error).toBe("invalid_grant");
    }
    const tokens = await a.app.ctx.db.selectFrom("api_tokens").select("id").where("app_id", "=", app.id).execute();
    expect(tokens).toEqual([]);
  });

  it("a form without its CSRF token issues no code and opens no session", async () => {
    const app = await registerApp();
    const before = await snapshot();
    for (const csrf of [null, "forged"]) {
      const res = await authorize(app, { csrf });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie().some((c) => c.startsWith("ecotone_session="))).toBe(false);
    }
    const after = await snapshot();
    expect([after.counts.oauth_codes, after.counts.sessions]).toEqual([before.counts.oauth_codes, before.counts.sessions]);
  });

  it("after ten wrong passwords even the right one is refused, with no code and no session", async () => {
    const app = await registerApp();
    for (let i = 0; i < 10; i++) expect((await authorize(app, { username: "bob", password: `guess ${i}` })).status).toBe(401);
    const before = await snapshot();
    const right = await authorize(app, { username: "bob" });
    expect(right.status).toBe(429);
    // Case and spaces do not make it another account.
    expect((await authorize(app, { username: " BOB ", password: "guess 11" })).status).toBe(429);
    const after = await snapshot();
    expect([after.counts.oauth_codes, after.counts.sessions]).toEqual([before.counts.oauth_codes, before.counts.sessions]);
    // Another account from the same address is not locked out by it.
    expect((await authorize(app, { username: "olga" })).status).toBe(302);
  });
});
