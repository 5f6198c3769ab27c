// Issue 11, class 10 (accounts): password guessing, stolen sessions and
// tokens after a password change, weak hashes, open redirects, dangerous
// OAuth redirect URIs, and report floods. Each case runs the attack, checks
// what it left behind, and runs the honest version beside it.
import { randomBytes, scryptSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setPassword } from "../../src/services/accounts/user.service.ts";
import { createToken } from "../../src/services/accounts/token.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { Visitor } from "../helpers/web-visitor.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

const PASSWORD = "correct horse battery staple";
let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let bob: TestUser;

async function storedHash(username: string): Promise<string> {
  const row = await a.app.ctx.db.selectFrom("users").select("password_hash").where("username", "=", username).executeTakeFirstOrThrow();
  return row.password_hash!;
}

/** A hash in the old format, made with N=2^14 (what older releases or imports left behind). */
function weakHash(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFKC"), salt, 32, { N: 2 ** 14, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

async function tokenWorks(token: string): Promise<boolean> {
  return (await a.api(token, "GET", "/api/v1/accounts/verify_credentials")).status === 200;
}

async function sessionWorks(visitor: Visitor): Promise<boolean> {
  return (await visitor.get("/settings")).status === 200;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startHostilePeer();
  olga = await a.user("olga");
  bob = await b.user("bob");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("password guessing", () => {
  it("checks only 10 of 30 wrong passwords sent at once; the other 20 are refused unhashed, and another account still signs in", async () => {
    await createUser(a.app.ctx, { username: "gus", password: PASSWORD });
    await createUser(a.app.ctx, { username: "hal", password: PASSWORD });
    const guesser = new Visitor(a.origin);
    await guesser.get("/sign-in");
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => guesser.post("/sign-in", { username: "gus", password: `guess number ${i}`, next: "/" }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    // Now even the right password is refused for gus from this address, and no session is made.
    expect((await guesser.post("/sign-in", { username: "gus", password: PASSWORD, next: "/" })).status).toBe(429);
    const sessions = await a.app.ctx.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select("users.username")
      .where("users.username", "=", "gus")
      .execute();
    expect(sessions).toEqual([]);
    // Control: hal, from the same address, is not affected.
    const hal = new Visitor(a.origin);
    expect((await hal.signIn("hal", PASSWORD)).status).toBe(303);
  });

  it("a successful sign-in does not count against the limit", async () => {
    await createUser(a.app.ctx, { username: "ivy", password: PASSWORD });
    for (let i = 0; i < 11; i++) expect((await new Visitor(a.origin).signIn("ivy", PASSWORD)).status).toBe(303);
  });
});

describe("password hashes", () => {
  it("hashes new passwords with scrypt N=2^17, r=8, p=1", async () => {
    expect(await storedHash("olga")).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it("keeps accepting an old N=2^14 hash and replaces it on the next successful sign-in; a wrong password changes nothing", async () => {
    await createUser(a.app.ctx, { username: "oldie", password: PASSWORD });
    const old = weakHash(PASSWORD);
    await a.app.ctx.db.updateTable("users").set({ password_hash: old }).where("username", "=", "oldie").execute();
    expect((await new Visitor(a.origin).signIn("oldie", "not the password")).status).toBe(401);
    expect(await storedHash("oldie")).toBe(old);
    expect((await new Visitor(a.origin).signIn("oldie", PASSWORD)).status).toBe(303);
    const upgraded = await storedHash("oldie");
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await new Visitor(a.origin).signIn("oldie", PASSWORD)).status).toBe(303);
    expect(await storedHash("oldie")).toBe(upgraded);
  });
});

describe("sessions and tokens after a password change", () => {
  it("a change in settings ends the other sessions and revokes every token; the session that changed it stays", async () => {
    await createUser(a.app.ctx, { username: "pat", password: PASSWORD });
    const mine = new Visitor(a.origin);
    const stolen = new Visitor(a.origin);
    expect((await mine.signIn("pat", PASSWORD)).status).toBe(303);
    expect((await stolen.signIn("pat", PASSWORD)).status).toBe(303);
    const token = await createToken(a.app.ctx, "pat", { scopes: "read write" });
    expect(await tokenWorks(token)).toBe(true);

    // A wrong current password changes nothing.
    await mine.get("/settings");
    await mine.post("/settings/password", { current: "wrong wrong wrong", next: "a brand new password" });
    expect(await sessionWorks(stolen)).toBe(true);
    expect(await tokenWorks(token)).toBe(true);

    await mine.get("/settings");
    const changed = await mine.post("/settings/password", { current: PASSWORD, next: "a brand new password" });
    expect(changed.status).toBe(303);
    expect(await sessionWorks(mine)).toBe(true);
    expect(await sessionWorks(stolen)).toBe(false);
    expect(await tokenWorks(token)).toBe(false);
    expect((await new Visitor(a.origin).signIn("pat", PASSWORD)).status).toBe(401);
    expect((await new Visitor(a.origin).signIn("pat", "a brand new password")).status).toBe(303);
  });

  it("an admin's reset (ecotone user set-password) ends every session and revokes every token; other accounts keep theirs", async () => {
    await createUser(a.app.ctx, { username: "rex", password: PASSWORD });
    const session = new Visitor(a.origin);
    expect((await session.signIn("rex", PASSWORD)).status).toBe(303);
    const token = await createToken(a.app.ctx, "rex", { scopes: "read" });
    const result = await setPassword(a.app.ctx, "rex", "reset by the admin");
    expect(result).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect(await sessionWorks(session)).toBe(false);
    expect(await tokenWorks(token)).toBe(false);
    expect(await tokenWorks(olga.token)).toBe(true);
  });
});

describe("where a sign-in may send the browser (next=)", () => {
  const OFF_SITE = [
    "/%09/evil.example",
    "/\t/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "/%0a/evil.example",
    "javascript:alert(1)",
  ];

  it("sends a signed-in user only to paths on this site, from the query and from the form", async () => {
    await createUser(a.app.ctx, { username: "nia", password: PASSWORD });
    const visitor = new Visitor(a.origin);
    for (const next of OFF_SITE) {
      const viaForm = await new Visitor(a.origin).signIn("nia", PASSWORD, next);
      expect([next, viaForm.headers.get("location")]).toEqual([next, "/"]);
    }
    expect((await visitor.signIn("nia", PASSWORD)).status).toBe(303);
    for (const next of OFF_SITE) {
      const res = await visitor.get(`/sign-in?next=${encodeURIComponent(next)}`);
      expect([next, res.headers.get("location")]).toEqual([next, "/"]);
    }
    // The raw query `next=/%09/evil.example`, as a link would carry it.
    expect((await visitor.get("/sign-in?next=/%09/evil.example")).headers.get("location")).toBe("/");
    // Control: a path here survives, query included.
    expect((await visitor.get(`/sign-in?next=${encodeURIComponent("/groups?tab=mine")}`)).headers.get("location")).toBe("/groups?tab=mine");

    // After a form, the browser goes back to the page it came from (Referer):
    // a same-origin Referer whose path reads `//evil.example` is not followed.
    await visitor.get("/settings");
    visitor.lastUrl = `${a.origin}//evil.example/x`;
    const back = await visitor.post("/settings/profile", { displayName: "Nia", bio: "" });
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).not.toMatch(/^\/\//);
    await visitor.get("/settings");
    visitor.lastUrl = `${a.origin}/settings?saved=1`;
    expect((await visitor.post("/settings/profile", { displayName: "Nia", bio: "" })).headers.get("location")).toBe("/settings?saved=1");
  });
});

describe("OAuth redirect URIs", () => {
  async function register(redirectUri: string) {
    return fetch(`${a.origin}/api/v1/apps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: `app for ${redirectUri}`, redirect_uris: redirectUri, scopes: "read" }),
    });
  }

  it("refuses browser-local and script schemes and plain http off loopback; takes https, loopback http, oob and apps' own schemes", async () => {
    const refused = [
      "blob:https://evil.example/0b5e",
      "javascript:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "file:///etc/passwd",
      "vbscript:msgbox(1)",
      "http://evil.example/callback",
      "https://app.example/cb#fragment",
      "https://user:pw@app.example/cb",
      "notaurl",
    ];
    for (const uri of refused) {
      const res = await register(uri);
      expect([uri, res.status]).toEqual([uri, 422]);
    }
    const accepted = [
      "https://app.example/oauth/callback",
      "http://127.0.0.1:8123/cb",
      "http://[::1]/cb",
      "http://localhost:4000/cb",
      "urn:ietf:wg:oauth:2.0:oob",
      "com.example.app:/oauth2redirect",
      "elk://callback",
    ];
    for (const uri of accepted) {
      const res = await register(uri);
      expect([uri, res.status]).toEqual([uri, 200]);
    }
    const names = (await a.app.ctx.db.selectFrom("oauth_apps").select("name").execute()).map((r) => r.name).sort();
    expect(names).toEqual(accepted.map((u) => `app for ${u}`).sort());
  });
});

describe("report floods", () => {
  it("takes 10 reports an hour from one account, refuses the 11th with 429; another account still reports", async () => {
    const spammer = await a.user("spammer");
    const other = await a.user("other");
    for (let i = 0; i < 10; i++) {
      const res = await a.api(spammer.token, "POST", "/api/ecotone/v1/reports", { target: `@olga@${a.host}`, comment: `report ${i}` });
      expect(res.status).toBe(201);
    }
    const refused = await a.api(spammer.token, "POST", "/api/ecotone/v1/reports", { target: `@olga@${a.host}`, comment: "one more" });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    const stored = await a.app.ctx.db.selectFrom("reports").select("comment").where("comment", "=", "one more").execute();
    expect(stored).toEqual([]);
    expect((await a.api(other.token, "POST", "/api/ecotone/v1/reports", { target: `@olga@${a.host}`, comment: "honest" })).status).toBe(201);
  });

  it("stores at most 30 Flags an hour from one origin, however many actors it uses; an honest Flag from another instance arrives", async () => {
    const olgaUri = `${a.origin}/users/olga`;
    for (let i = 0; i < 40; i++) {
      const actor = await peer.addActor(`flagger${i % 4}`);
      const res = await peer.post(
        `${a.origin}/inbox`,
        {
          "@context": AS_CONTEXT,
          id: `${peer.origin}/flags/${i}`,
          type: "Flag",
          actor: actor.uri,
          object: [olgaUri],
          content: `flood ${i}`,
        },
        actor.keyId,
      );
      expect(res.status).toBe(202);
    }
    const fromPeer = async () => (await a.app.ctx.db.selectFrom("reports").select("comment").where("comment", "like", "flood %").execute()).length;
    await eventually(async () => {
      const queued = await a.app.ctx.db.selectFrom("fedify_queue").select("id").where("queue", "=", "inbox").execute();
      return queued.length === 0;
    });
    expect(await fromPeer()).toBe(30);

    // Control: bob on b reports olga; b delivers the Flag to a, which takes it.
    const filed = await b.api(bob.token, "POST", "/api/ecotone/v1/reports", { target: `@olga@${a.host}`, comment: "honest from b" });
    expect(filed.status).toBe(201);
    await eventually(async () => (await a.app.ctx.db.selectFrom("reports").select("id").where("comment", "=", "honest from b").execute()).length === 1, 20_000);
  });
});
