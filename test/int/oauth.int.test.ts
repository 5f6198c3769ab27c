// OAuth 2, the cases test/int/oauth-flow.int.test.ts does not reach: every
// body shape of app registration, the Ecotone API with an OAuth token, an
// existing browser session and force_login, Deny, HTTP Basic client auth,
// replayed refresh tokens, escaping and headers of the page, the Secure
// cookie on an https origin, the complete RFC 8414 document and CORS.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";

let instance: TestInstance;
const REDIRECT = "https://app.example/callback";
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  instance = await startInstance();
  await instance.user("alice");
});

afterAll(async () => {
  await instance?.close();
});

interface App {
  client_id: string;
  client_secret: string;
}

async function post(path: string, body: string | FormData, contentType?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${instance.origin}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { ...(contentType ? { "content-type": contentType } : {}), ...headers },
    body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { res, status: res.status, text, body: json };
}

async function newApp(fields: Record<string, unknown>): Promise<App & Record<string, any>> {
  const { status, body } = await post("/api/v1/apps", JSON.stringify(fields), "application/json");
  expect(status).toBe(200);
  return body;
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

function hiddenFields(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(
      name!,
      value!.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))),
    );
  }
  return form;
}

/** A tiny cookie jar: enough for one browser going through the pages. */
class Browser {
  jar = new Map<string, string>();
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  take(res: Response): void {
    for (const pair of cookiesOf(res)) {
      const [name, ...rest] = pair.split("=");
      const value = rest.join("=");
      if (value) this.jar.set(name!, value);
      else this.jar.delete(name!);
    }
  }
  async get(path: string) {
    const res = await fetch(`${instance.origin}${path}`, { redirect: "manual", headers: { cookie: this.header() } });
    this.take(res);
    return { res, html: await res.text() };
  }
  async submit(form: URLSearchParams) {
    const res = await fetch(`${instance.origin}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.header() },
      body: form.toString(),
    });
    this.take(res);
    return { res, html: await res.text() };
  }
}

function authorizePath(app: App, extra: Record<string, string> = {}) {
  return `/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: REDIRECT, scope: "read", state: "s1", ...extra })}`;
}

/** Loads the page and approves it, signing in when the page asks for a password. */
async function approve(browser: Browser, app: App, extra: Record<string, string> = {}, decision = "approve") {
  const page = await browser.get(authorizePath(app, extra));
  expect(page.res.status).toBe(200);
  const form = hiddenFields(page.html);
  if (page.html.includes('name="password"')) {
    form.set("username", "alice");
    form.set("password", PASSWORD);
  }
  form.set("decision", decision);
  return { page, ...(await browser.submit(form)) };
}

function codeFrom(res: Response): string {
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams.get("code")!;
}

describe("OAuth 2: app registration", () => {
  it("accepts JSON, form and multipart bodies, with redirect_uris as a string or an array", async () => {
    const json = await post(
      "/api/v1/apps",
      JSON.stringify({ client_name: "Elk", redirect_uris: `${REDIRECT}\nelk://callback`, website: "https://elk.zone" }),
      "application/json",
    );
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      name: "Elk",
      website: "https://elk.zone",
      redirect_uris: [REDIRECT, "elk://callback"],
      scopes: ["read"],
      vapid_key: expect.stringMatching(/^B[A-Za-z0-9_-]{86}$/),
    });
    expect(json.body.client_id).toMatch(/^[\w-]{40,}$/);
    expect(json.body.client_secret).toMatch(/^[\w-]{40,}$/);

    const formArray = await post(
      "/api/v1/apps",
      `client_name=Tusky&redirect_uris[]=${encodeURIComponent("org.joinmastodon.android://callback")}&redirect_uris[]=${encodeURIComponent(REDIRECT)}&scopes=read+write`,
      "application/x-www-form-urlencoded",
    );
    expect(formArray.status).toBe(200);
    expect(formArray.body.redirect_uris).toEqual(["org.joinmastodon.android://callback", REDIRECT]);
    expect(formArray.body.scopes).toEqual(["read", "write"]);

    const multipart = new FormData();
    multipart.set("client_name", "Phanpy");
    multipart.set("redirect_uris", "urn:ietf:wg:oauth:2.0:oob");
    multipart.set("scopes", "read write follow");
    const mp = await post("/api/v1/apps", multipart);
    expect(mp.status).toBe(200);
    expect(mp.body.redirect_uri).toBe("urn:ietf:wg:oauth:2.0:oob");
    expect(mp.body.scopes).toEqual(["read", "write", "follow"]);

    // An empty JSON body (as some clients send) is {} and fails validation, not parsing.
    expect((await post("/api/v1/apps", "", "application/json")).status).toBe(422);
  });

  it("refuses dangerous or malformed redirect URIs and unknown scopes", async () => {
    for (const uri of ["javascript:alert(1)", "data:text/html,hi", "not a url", ""]) {
      const res = await post("/api/v1/apps", JSON.stringify({ client_name: "Evil", redirect_uris: uri }), "application/json");
      expect(res.status, uri).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
    const scope = await post("/api/v1/apps", JSON.stringify({ client_name: "X", redirect_uris: REDIRECT, scopes: "read rule:world" }), "application/json");
    expect(scope.status).toBe(422);
  });
});

describe("OAuth 2: authorization", () => {
  it("runs the PKCE flow and the token works on the Ecotone API too; Basic client auth is accepted", async () => {
    const app = await newApp({ client_name: "Elk", redirect_uris: REDIRECT, scopes: "read write" });
    const { verifier, challenge } = pkce();
    const browser = new Browser();
    const { page, res } = await approve(browser, app, { scope: "read write", code_challenge: challenge, code_challenge_method: "S256" });
    expect(page.res.headers.get("x-frame-options")).toBe("DENY");
    const csp = page.res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://app.example");
    expect(page.html).not.toMatch(/<script|src=/i);
    const location = new URL(res.headers.get("location")!);
    expect(location.searchParams.get("state")).toBe("s1");
    const code = codeFrom(res);

    const basic = Buffer.from(`${app.client_id}:${app.client_secret}`).toString("base64");
    const issued = await post(
      "/oauth/token",
      new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
      "application/x-www-form-urlencoded",
      { authorization: `Basic ${basic}` },
    );
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: "Bearer", scope: "read write" });
    expect(typeof issued.body.created_at).toBe("number");
    expect(issued.body.refresh_token).toBeTruthy();
    const me = await instance.api(issued.body.access_token, "GET", "/api/ecotone/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.username).toBe("alice");
  });

  it("a signed-in browser sees the consent form only; force_login asks for the password again", async () => {
    const app = await newApp({ client_name: "Ivory", redirect_uris: REDIRECT });
    const browser = new Browser();
    codeFrom((await approve(browser, app)).res);
    expect(browser.jar.has("ecotone_session")).toBe(true);

    const second = await approve(browser, app);
    expect(second.page.html).toContain("Signed in as <strong>@alice</strong>");
    expect(second.page.html).not.toContain('name="password"');
    codeFrom(second.res);

    const forced = await approve(browser, app, { force_login: "true" });
    expect(forced.page.html).toContain('name="password"');
    codeFrom(forced.res);
  });

  it("Deny sends the user back with access_denied and the state", async () => {
    const app = await newApp({ client_name: "Mona", redirect_uris: REDIRECT });
    const { res } = await approve(new Browser(), app, {}, "deny");
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("s1");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("a wrong password shows the form again with 401; a tampered scope or redirect_uri in the form is refused", async () => {
    const app = await newApp({ client_name: "Toot", redirect_uris: REDIRECT, scopes: "read" });
    const browser = new Browser();
    const page = await browser.get(authorizePath(app));
    const form = hiddenFields(page.html);
    form.set("username", "alice");
    form.set("password", "not the password");
    form.set("decision", "approve");
    const wrong = await browser.submit(form);
    expect(wrong.res.status).toBe(401);
    expect(wrong.html).toContain("Wrong username or password.");
    expect(wrong.html).toContain('name="password"');

    form.set("password", PASSWORD);
    const tamperedScope = await browser.submit(new URLSearchParams({ ...Object.fromEntries(form), scope: "read write" }));
    expect(tamperedScope.res.status).toBe(400);
    expect(tamperedScope.html).toContain("not registered for write");
    const tamperedRedirect = await browser.submit(new URLSearchParams({ ...Object.fromEntries(form), redirect_uri: "https://evil.example/cb" }));
    expect(tamperedRedirect.res.status).toBe(400);
    expect(tamperedRedirect.res.headers.get("location")).toBeNull();
  });

  it("escapes the app's name on the page", async () => {
    const app = await newApp({ client_name: `<img src=x onerror="alert(1)">`, redirect_uris: REDIRECT });
    const page = await new Browser().get(authorizePath(app));
    expect(page.html).not.toContain("<img");
    expect(page.html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
  });

  it("refuses an unknown client_id on the page", async () => {
    const page = await new Browser().get(`/oauth/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    expect(page.res.status).toBe(400);
  });
});

describe("OAuth 2: token endpoint", () => {
  it("answers RFC 6749 errors: unsupported grant, unknown client, replayed refresh token", async () => {
    const app = await newApp({ client_name: "Fedilab", redirect_uris: REDIRECT, scopes: "read" });
    const unsupported = await post(
      "/oauth/token",
      JSON.stringify({ grant_type: "password", client_id: app.client_id, client_secret: app.client_secret }),
      "application/json",
    );
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe("unsupported_grant_type");
    expect(typeof unsupported.body.error_description).toBe("string");

    const unknown = await post(
      "/oauth/token",
      JSON.stringify({ grant_type: "client_credentials", client_id: "nope", client_secret: "nope" }),
      "application/json",
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_client");

    const code = codeFrom((await approve(new Browser(), app)).res);
    const issued = await post(
      "/oauth/token",
      JSON.stringify({ grant_type: "authorization_code", code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT }),
      "application/json",
    );
    expect(issued.status).toBe(200);
    const refresh = { grant_type: "refresh_token", refresh_token: issued.body.refresh_token, client_id: app.client_id, client_secret: app.client_secret };
    const rotated = await post("/oauth/token", JSON.stringify(refresh), "application/json");
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(issued.body.refresh_token);
    expect(rotated.body.scope).toBe("read");
    const replayed = await post("/oauth/token", JSON.stringify(refresh), "application/json");
    expect(replayed.status).toBe(400);
    expect(replayed.body.error).toBe("invalid_grant");

    // Another app cannot use or revoke this app's refresh token.
    const other = await newApp({ client_name: "Other", redirect_uris: REDIRECT });
    const stolen = await post(
      "/oauth/token",
      JSON.stringify({ ...refresh, refresh_token: rotated.body.refresh_token, client_id: other.client_id, client_secret: other.client_secret }),
      "application/json",
    );
    expect(stolen.body.error).toBe("invalid_grant");
    const revokeByOther = await post(
      "/oauth/revoke",
      JSON.stringify({ token: rotated.body.access_token, client_id: other.client_id, client_secret: other.client_secret }),
      "application/json",
    );
    expect(revokeByOther.status).toBe(200);
    expect(revokeByOther.body).toEqual({});
    expect((await instance.api(rotated.body.access_token, "GET", "/api/ecotone/v1/me")).status).toBe(200);

    // Revoking by the refresh token ends the access token too.
    const revoked = await post(
      "/oauth/revoke",
      JSON.stringify({ token: rotated.body.refresh_token, client_id: app.client_id, client_secret: app.client_secret }),
      "application/json",
    );
    expect(revoked.status).toBe(200);
    expect((await instance.api(rotated.body.access_token, "GET", "/api/ecotone/v1/me")).status).toBe(401);
  });

  it("checks a plain PKCE challenge and refuses a missing verifier", async () => {
    const app = await newApp({ client_name: "Plain", redirect_uris: REDIRECT });
    const base = { grant_type: "authorization_code", client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT };
    const missing = codeFrom((await approve(new Browser(), app, { code_challenge: "a".repeat(43), code_challenge_method: "plain" })).res);
    expect((await post("/oauth/token", JSON.stringify({ ...base, code: missing }), "application/json")).body.error).toBe("invalid_grant");
    const good = codeFrom((await approve(new Browser(), app, { code_challenge: "a".repeat(43), code_challenge_method: "plain" })).res);
    expect((await post("/oauth/token", JSON.stringify({ ...base, code: good, code_verifier: "a".repeat(43) }), "application/json")).status).toBe(200);
  });
});

describe("OAuth 2: discovery, CORS and cookies", () => {
  it("publishes RFC 8414 metadata", async () => {
    const res = await fetch(`${instance.origin}/.well-known/oauth-authorization-server`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const meta = await res.json();
    expect(meta).toMatchObject({
      issuer: `${instance.origin}/`,
      authorization_endpoint: `${instance.origin}/oauth/authorize`,
      token_endpoint: `${instance.origin}/oauth/token`,
      revocation_endpoint: `${instance.origin}/oauth/revoke`,
      app_registration_endpoint: `${instance.origin}/api/v1/apps`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
    });
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "client_credentials", "refresh_token"]));
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(["read", "write", "follow", "read:accounts"]));
    expect(meta.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(["client_secret_basic", "client_secret_post"]));
  });

  it("answers CORS preflights on the API and token endpoints, not on the sign-in page, and leaves ActivityPub alone", async () => {
    for (const path of ["/api/v1/apps", "/oauth/token", "/oauth/revoke"]) {
      const res = await fetch(`${instance.origin}${path}`, {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
      expect(res.headers.get("access-control-allow-headers")).toMatch(/Content-Type/i);
    }
    const api = await fetch(`${instance.origin}/api/v1/instance`, { headers: { origin: "https://app.example" } });
    expect(api.headers.get("access-control-allow-origin")).toBe("*");
    expect(api.headers.get("access-control-expose-headers")).toMatch(/Link/);
    const page = await fetch(`${instance.origin}/oauth/authorize`, { headers: { origin: "https://app.example" } });
    expect(page.headers.get("access-control-allow-origin")).toBeNull();

    const actor = await fetch(`${instance.origin}/users/alice`, { headers: { accept: "application/activity+json" } });
    expect(actor.status).toBe(200);
    expect((await actor.json()).preferredUsername).toBe("alice");
  });

  it("marks the session cookie Secure on an https origin", async () => {
    const https = await startInstance({ origin: new URL("https://social.example") });
    try {
      await https.user("alice");
      const inject = https.app.fastify.inject.bind(https.app.fastify);
      const app = (await inject({ method: "POST", url: "/api/v1/apps", payload: { client_name: "Elk", redirect_uris: REDIRECT } })).json();
      const page = await inject({ method: "GET", url: authorizePath(app) });
      expect(String(page.headers["set-cookie"])).toContain("Secure");
      const form = hiddenFields(page.body);
      form.set("username", "alice");
      form.set("password", PASSWORD);
      form.set("decision", "approve");
      const csrfCookie = String(page.headers["set-cookie"]).split(";")[0]!;
      const res = await inject({
        method: "POST",
        url: "/oauth/authorize",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        payload: form.toString(),
      });
      expect(res.statusCode).toBe(302);
      const session = [res.headers["set-cookie"]].flat().find((c) => String(c).startsWith("ecotone_session="));
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Lax/);
      expect(session).toMatch(/Path=\//);
      expect(session).toMatch(/Secure/);
    } finally {
      await https.close();
    }
  });
});
