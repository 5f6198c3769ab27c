// OAuth 2 as Mastodon apps use it, over real HTTP: register, sign in through
// the real form (CSRF-protected), PKCE, token, refresh, revoke — and the
// ways it must fail.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";

let instance: TestInstance;
const REDIRECT = "https://app.example/callback";

beforeAll(async () => {
  instance = await startInstance();
  await instance.user("alice");
});

afterAll(async () => {
  await instance?.close();
});

async function registerApp(body: string, contentType: string) {
  const res = await fetch(`${instance.origin}/api/v1/apps`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, body: await res.json() };
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function cookieHeader(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** Loads the consent page, then posts the form as a browser would. */
async function signIn(app: { client_id: string }, options: { challenge?: string; password?: string; csrf?: string | null; redirect?: string; scope?: string }) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: options.redirect ?? REDIRECT,
    scope: options.scope ?? "read write",
    state: "xyz",
    ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: "S256" } : {}),
  });
  const page = await fetch(`${instance.origin}/oauth/authorize?${query}`);
  const html = await page.text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!);
  if (options.csrf === null) form.delete("csrf_token");
  else if (options.csrf) form.set("csrf_token", options.csrf);
  else if (csrf) form.set("csrf_token", csrf);
  form.set("username", "alice");
  form.set("password", options.password ?? "correct horse battery staple");
  form.set("decision", "approve");
  const res = await fetch(`${instance.origin}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(page) },
    body: form.toString(),
  });
  return { page, html, res };
}

async function token(body: Record<string, string>) {
  const res = await fetch(`${instance.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("OAuth 2", () => {
  it("registers apps from JSON and form bodies, with one or several redirect URIs", async () => {
    const json = await registerApp(
      JSON.stringify({ client_name: "Elk", redirect_uris: [REDIRECT, "elk://callback"], scopes: "read write follow" }),
      "application/json",
    );
    expect(json.status).toBe(200);
    expect(json.body.redirect_uris).toEqual([REDIRECT, "elk://callback"]);
    expect(json.body.client_secret).toBeTruthy();
    const form = await registerApp(
      `client_name=Tusky&redirect_uris=${encodeURIComponent("urn:ietf:wg:oauth:2.0:oob")}&scopes=read`,
      "application/x-www-form-urlencoded",
    );
    expect(form.body.redirect_uri).toBe("urn:ietf:wg:oauth:2.0:oob");
    const bad = await registerApp(JSON.stringify({ client_name: "Evil", redirect_uris: "javascript:alert(1)" }), "application/json");
    expect(bad.status).toBe(422);
  });

  it("runs the authorization-code flow with PKCE through the real form, refreshes and revokes", async () => {
    const { body: app } = await registerApp(
      JSON.stringify({ client_name: "Phanpy", redirect_uris: REDIRECT, scopes: "read write follow" }),
      "application/json",
    );
    const { verifier, challenge } = pkce();
    const { page, res } = await signIn(app, { challenge });
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("xyz");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("ecotone_session=") && c.includes("HttpOnly") && c.includes("SameSite=Lax"))).toBe(true);
    const code = location.searchParams.get("code")!;

    const wrongVerifier = await token({
      grant_type: "authorization_code",
      code,
      client_id: app.client_id,
      client_secret: app.client_secret,
      redirect_uri: REDIRECT,
      code_verifier: "nope",
    });
    expect(wrongVerifier.body.error).toBe("invalid_grant");

    // The failed attempt used the code up: sign in again for a fresh one.
    const again = await signIn(app, { challenge });
    const code2 = new URL(again.res.headers.get("location")!).searchParams.get("code")!;
    const issued = await token({
      grant_type: "authorization_code",
      code: code2,
      client_id: app.client_id,
      client_secret: app.client_secret,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(issued.status).toBe(200);
    expect(issued.body.token_type).toBe("Bearer");
    expect(issued.body.scope).toBe("read write");
    const me = await instance.api(issued.body.access_token, "GET", "/api/v1/accounts/verify_credentials");
    expect(me.body.username).toBe("alice");
    const verifiedApp = await instance.api(issued.body.access_token, "GET", "/api/v1/apps/verify_credentials");
    expect(verifiedApp.body.name).toBe("Phanpy");

    const reused = await token({
      grant_type: "authorization_code",
      code: code2,
      client_id: app.client_id,
      client_secret: app.client_secret,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(reused.body.error).toBe("invalid_grant");

    const refreshed = await token({
      grant_type: "refresh_token",
      refresh_token: issued.body.refresh_token,
      client_id: app.client_id,
      client_secret: app.client_secret,
    });
    expect(refreshed.status).toBe(200);
    expect((await instance.api(issued.body.access_token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(401);

    const revoke = await fetch(`${instance.origin}/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshed.body.access_token, client_id: app.client_id, client_secret: app.client_secret }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await instance.api(refreshed.body.access_token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(401);
  });

  it("refuses a wrong redirect_uri, an unregistered scope, a wrong client secret and a form without its CSRF token", async () => {
    const { body: app } = await registerApp(JSON.stringify({ client_name: "Ivory", redirect_uris: REDIRECT, scopes: "read" }), "application/json");
    const wrongRedirect = await fetch(
      `${instance.origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent("https://evil.example/cb")}`,
    );
    expect(wrongRedirect.status).toBe(400);
    const wrongScope = await fetch(
      `${instance.origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=write`,
    );
    expect(wrongScope.status).toBe(400);
    expect(await wrongScope.text()).toContain("not registered for write");

    const noCsrf = await signIn(app, { csrf: null, scope: "read" });
    expect(noCsrf.res.status).toBe(403);
    const forgedCsrf = await signIn(app, { csrf: "forged", scope: "read" });
    expect(forgedCsrf.res.status).toBe(403);

    const ok = await signIn(app, { scope: "read" });
    const code = new URL(ok.res.headers.get("location")!).searchParams.get("code")!;
    const badSecret = await token({ grant_type: "authorization_code", code, client_id: app.client_id, client_secret: "wrong", redirect_uri: REDIRECT });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe("invalid_client");
    const otherRedirect = await token({
      grant_type: "authorization_code",
      code,
      client_id: app.client_id,
      client_secret: app.client_secret,
      redirect_uri: "https://app.example/other",
    });
    expect(otherRedirect.body.error).toBe("invalid_grant");
  });

  it("issues app-level tokens with client_credentials that act for no user", async () => {
    const { body: app } = await registerApp(JSON.stringify({ client_name: "Pinafore", redirect_uris: REDIRECT }), "application/json");
    const issued = await token({ grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret });
    expect(issued.status).toBe(200);
    const verify = await instance.api(issued.body.access_token, "GET", "/api/v1/apps/verify_credentials");
    expect(verify.body.name).toBe("Pinafore");
    expect((await instance.api(issued.body.access_token, "GET", "/api/v1/accounts/verify_credentials")).status).toBe(401);
  });

  it("shows the code for out-of-band apps, slows down password guessing, and publishes its metadata", async () => {
    const { body: app } = await registerApp(JSON.stringify({ client_name: "CLI", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" }), "application/json");
    const oob = await signIn(app, { redirect: "urn:ietf:wg:oauth:2.0:oob", scope: "read" });
    expect(oob.res.status).toBe(200);
    expect(await oob.res.text()).toMatch(/<code id="code">[\w-]{20,}<\/code>/);

    let last = 0;
    for (let i = 0; i < 11; i++) last = (await signIn(app, { redirect: "urn:ietf:wg:oauth:2.0:oob", scope: "read", password: "wrong password!" })).res.status;
    expect(last).toBe(429);

    const meta = await (await fetch(`${instance.origin}/.well-known/oauth-authorization-server`)).json();
    expect(meta.app_registration_endpoint).toBe(`${instance.origin}/api/v1/apps`);
    expect(meta.code_challenge_methods_supported).toContain("S256");

    const preflight = await fetch(`${instance.origin}/api/v1/apps`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });
});
