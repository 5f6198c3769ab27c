// The one session cookie: parsed by @fastify/cookie for the web interface and
// the OAuth consent page alike, a malformed cookie is no error, a sign-in sets
// every cookie it means to in one response, and failed sign-ins on either
// form count against the same limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";

const PASSWORD = "correct horse battery staple";
const REDIRECT = "https://app.example/callback";
let a: TestInstance;
let clientId: string;

async function get(path: string, cookie = "") {
  const res = await fetch(new URL(path, a.origin), { headers: { cookie, accept: "text/html" }, redirect: "manual" });
  return { res, html: await res.text() };
}

async function post(path: string, fields: Record<string, string>, cookie = "") {
  return fetch(new URL(path, a.origin), {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

const pairs = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
const csrfOf = (html: string, field: string) => new RegExp(`name="${field}" value="([^"]+)"`).exec(html)?.[1] ?? "";
const authorizePath = () => `/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: REDIRECT, scope: "read" })}`;

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "nora", password: PASSWORD });
  await createUser(a.app.ctx, { username: "ivan", password: PASSWORD });
  const app = await fetch(`${a.origin}/api/v1/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "Cookie test", redirect_uris: REDIRECT, scopes: "read" }),
  });
  clientId = ((await app.json()) as { client_id: string }).client_id;
});

afterAll(async () => {
  await a?.close();
});

describe("the session cookie", () => {
  it("treats a malformed cookie as no session, on web pages and the consent page", async () => {
    const bad = "ecotone_session=%E0%A4%A; ecotone_csrf=%zz; ecotone_flash=%7B";
    const signIn = await get("/sign-in", bad);
    expect(signIn.res.status).toBe(200);
    expect(signIn.html).toContain('action="/sign-in"');
    const home = await get("/", bad);
    expect(home.res.status).toBeLessThan(500);
    const consent = await get(authorizePath(), bad);
    expect(consent.res.status).toBe(200);
    expect(consent.html).toContain('name="password"');
  });

  it("signs in on the web with one response setting the session, clearing the form token and leaving a message", async () => {
    const form = await get("/sign-in");
    const signedIn = await post("/sign-in", { _csrf: csrfOf(form.html, "_csrf"), username: "nora", password: PASSWORD, next: "/" }, pairs(form.res));
    expect(signedIn.status).toBe(303);
    const cookies = signedIn.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("ecotone_session="))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    expect(cookies.find((c) => c.startsWith("ecotone_csrf="))).toMatch(/Max-Age=0/);
    expect(cookies.some((c) => c.startsWith("ecotone_flash="))).toBe(true);

    // The same cookie signs the person in on the OAuth consent page.
    const consent = await get(authorizePath(), session.split(";")[0]!);
    expect(consent.html).toContain("Signed in as <strong>@nora</strong>");
    expect(consent.html).not.toContain('name="password"');
  });

  it("counts failed sign-ins on the web form against the consent page too", async () => {
    for (let i = 0; i < 10; i++) {
      const form = await get("/sign-in");
      const failed = await post("/sign-in", { _csrf: csrfOf(form.html, "_csrf"), username: "ivan", password: "wrong password", next: "/" }, pairs(form.res));
      expect(failed.status).toBe(401);
    }
    const consent = await get(authorizePath());
    const answer = await post(
      "/oauth/authorize",
      {
        ...Object.fromEntries(new URLSearchParams(authorizePath().split("?")[1])),
        csrf_token: csrfOf(consent.html, "csrf_token"),
        username: "ivan",
        password: PASSWORD,
      },
      pairs(consent.res),
    );
    expect(answer.status).toBe(429);
    expect(await answer.text()).toContain("Too many failed sign-ins");
  });
});
