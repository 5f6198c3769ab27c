// Company sign-in with a real OpenID provider started in the test: a person
// signs in through the browser flow, gets an account with the role and
// audience the claims say, and the same sign-in serves a Mastodon app's OAuth
// flow. A wrong or replayed state is refused with no account made, and
// password sign-in can be turned off. An account with no password changes its
// address on its web session; one with a password must type it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startInstance, type TestInstance } from "../helpers/instances.ts";
import { startIdp, TwoSiteBrowser, type Idp } from "../helpers/oidc-idp.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";
import { createUser, getUserByUsername } from "../../src/services/accounts/user.service.ts";

const CLIENT = { clientId: "ecotone", clientSecret: "a client secret for the test" };
const ACCOUNTS = [
  {
    sub: "u-grace",
    claims: {
      preferred_username: "grace",
      name: "Grace Hopper",
      email: "grace@acme.test",
      email_verified: true,
      roles: ["admin"],
      ecotone_audience: "employee",
    },
  },
  { sub: "u-sam", claims: { preferred_username: "sam", name: "Sam Supplier", roles: [], ecotone_audience: "supplier" } },
  { sub: "u-ada2", claims: { preferred_username: "ada", name: "Another Ada" } },
];

describe("company sign-in (OpenID Connect)", () => {
  let idp: Idp;
  let instance: TestInstance;

  beforeAll(async () => {
    const idpPort = await freePort();
    instance = await startInstance({
      runQueueWorkers: false,
      oidc: {
        issuer: `http://127.0.0.1:${idpPort}`,
        clientId: CLIENT.clientId,
        clientSecret: CLIENT.clientSecret,
        label: "Acme SSO",
        roleClaim: "roles",
        audienceClaim: "ecotone_audience",
      },
    });
    idp = await startIdp(idpPort, { ...CLIENT, redirectUri: `${instance.origin}/sign-in/company/callback` }, ACCOUNTS);
  });
  afterAll(async () => {
    await instance?.close();
    await idp?.close();
  });

  async function signInAs(browser: TwoSiteBrowser, login: string, start = `${instance.origin}/sign-in/company?next=/`) {
    const page = await browser.follow(start);
    expect(page.url.startsWith(idp.issuer)).toBe(true);
    await browser.submit({ login, password: "anything" });
    // Consent, then back to Ecotone's callback and on.
    return browser.submit({});
  }

  it("creates the account on first sign-in with the mapped role, audience and verified address", async () => {
    const browser = new TwoSiteBrowser();
    const signIn = await browser.follow(`${instance.origin}/sign-in`);
    expect(signIn.text).toContain("Sign in with Acme SSO");
    const home = await signInAs(browser, "u-grace");
    expect(home.url).toBe(`${instance.origin}/`);
    expect(home.text).toContain("@grace");
    const grace = await getUserByUsername(instance.app.ctx, "grace");
    expect(grace).toMatchObject({ role: "admin", audience: "employee", displayName: "Grace Hopper", email: "grace@acme.test" });
    // Signing in again finds the same account.
    await signInAs(new TwoSiteBrowser(), "u-grace");
    expect((await instance.api(null, "GET", "/api/v1/accounts/lookup?acct=grace_2")).status).toBe(404);

    await signInAs(new TwoSiteBrowser(), "u-sam");
    expect(await getUserByUsername(instance.app.ctx, "sam")).toMatchObject({ role: "member", audience: "supplier" });
  });

  it("never signs an IdP user into a local account that shares the name", async () => {
    await createUser(instance.app.ctx, { username: "ada", password: "a long local password" });
    const page = await signInAs(new TwoSiteBrowser(), "u-ada2");
    expect(page.text).toContain("@ada_2");
    expect((await getUserByUsername(instance.app.ctx, "ada"))?.displayName).toBeNull();
  });

  it("lets an account with no password change its address on its web session alone, and no account with a password", async () => {
    // sam signs in only through the IdP, which gave no address: no password exists to ask for.
    const sam = new TwoSiteBrowser();
    await signInAs(sam, "u-sam");
    const settings = await sam.follow(`${instance.origin}/settings/notifications`);
    expect(settings.text).not.toContain('name="current_password"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(settings.text)?.[1] ?? "";
    const saved = await sam.follow(`${instance.origin}/settings/email`, undefined, { method: "POST", form: { _csrf: csrf, email: "sam@supplier.test" } });
    expect(saved.text).toContain("We mailed a confirmation link to sam@supplier.test");
    expect(await getUserByUsername(instance.app.ctx, "sam")).toMatchObject({ email: "sam@supplier.test" });

    // The control: an account with a password must type it, the session is not enough.
    await createUser(instance.app.ctx, { username: "pat", password: PASSWORD });
    const pat = new Visitor(instance.origin);
    await pat.signIn("pat");
    expect((await pat.get("/settings/notifications")).text_).toContain('name="current_password"');
    expect(await pat.flashAfter(await pat.post("/settings/email", { email: "pat@acme.test" }))).toContain("Type your current password");
    expect((await getUserByUsername(instance.app.ctx, "pat"))?.email ?? null).toBeNull();
    expect(await pat.flashAfter(await pat.post("/settings/email", { email: "pat@acme.test", current_password: PASSWORD }))).toContain(
      "We mailed a confirmation link to pat@acme.test",
    );
  });

  it("refuses a callback with a wrong state, a replayed one, or from another browser, making no account", async () => {
    const browser = new TwoSiteBrowser();
    await browser.follow(`${instance.origin}/sign-in/company?next=/`);
    await browser.submit({ login: "u-sam", password: "x" });
    const callback = await browser.submit({}, `${instance.origin}/sign-in/company/callback`);
    const url = new URL(callback.url);
    expect(url.searchParams.get("code")).toBeTruthy();

    const tampered = new URL(url);
    tampered.searchParams.set("state", "forged-state");
    const wrong = await browser.follow(tampered.href);
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("Sign-in refused");
    // The sign-in under way was used up by that attempt: the genuine answer is refused too.
    const replay = await browser.follow(url.href);
    expect(replay.status).toBe(400);
    // Another browser (no state cookie) with the genuine answer.
    expect((await new TwoSiteBrowser().follow(url.href)).status).toBe(400);
    expect(browser.jars.get(new URL(instance.origin).host)?.has("ecotone_session")).toBe(false);
  });

  it("serves the OAuth flow of a Mastodon app", async () => {
    const app = await instance.api(null, "POST", "/api/v1/apps", {
      client_name: "Phone app",
      redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read write",
    });
    const authorize = `${instance.origin}/oauth/authorize?client_id=${app.body.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob&response_type=code&scope=read`;
    const browser = new TwoSiteBrowser();
    const consent = await browser.follow(authorize);
    const link = /href="([^"]*\/sign-in\/company[^"]*)"/.exec(consent.text)?.[1];
    expect(link).toBeDefined();
    const back = await signInAs(browser, "u-sam", new URL(link!.replace(/&amp;/g, "&"), instance.origin).href);
    expect(back.url.startsWith(`${instance.origin}/oauth/authorize?`)).toBe(true);
    expect(back.text).toContain("Signed in as <strong>@sam</strong>");
  });
});

describe("password sign-in turned off", () => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await startInstance({ runQueueWorkers: false, passwordSignIn: false });
  });
  afterAll(() => instance.close());

  it("refuses passwords on the sign-in form and on an app's consent page", async () => {
    await instance.user("ada");
    const app = await instance.api(null, "POST", "/api/v1/apps", { client_name: "Phone app", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" });
    const consent = await new TwoSiteBrowser().follow(
      `${instance.origin}/oauth/authorize?client_id=${app.body.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob&response_type=code&scope=read`,
    );
    expect(consent.status).toBe(200);
    expect(consent.text).not.toContain('name="password"');
    const browser = new TwoSiteBrowser();
    const page = await browser.follow(`${instance.origin}/sign-in`);
    expect(page.text).not.toContain('name="password"');
    const csrf = browser.jars.get(new URL(instance.origin).host)?.get("ecotone_csrf") ?? "";
    const refused = await browser.follow(`${instance.origin}/sign-in`, undefined, {
      method: "POST",
      form: { _csrf: csrf, username: "ada", password: "correct horse battery staple", next: "/" },
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("turned off");
  });
});
