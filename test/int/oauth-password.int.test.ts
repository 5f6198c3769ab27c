// The OAuth password grant, as CLIs and some libraries sign in: off unless
// the admin turns it on (ECOTONE_OAUTH_PASSWORD_GRANT), then a token for the
// right password only, within the app's scopes, and throttled like the form.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";

let off: TestInstance;
let on: TestInstance;

beforeAll(async () => {
  off = await startInstance();
  on = await startInstance({ oauthPasswordGrant: true });
  await off.user("alice");
  await on.user("alice");
});

afterAll(async () => {
  await Promise.all([off?.close(), on?.close()]);
});

async function app(instance: TestInstance, scopes = "read write") {
  return (await instance.api(null, "POST", "/api/v1/apps", { client_name: "cli", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes })).body;
}

const grant = (instance: TestInstance, body: Record<string, string>) => instance.api(null, "POST", "/oauth/token", { grant_type: "password", ...body });

describe("password grant", () => {
  it("is refused by default with a message saying what to do", async () => {
    const client = await app(off);
    const res = await grant(off, {
      client_id: client.client_id,
      client_secret: client.client_secret,
      username: "alice",
      password: "correct horse battery staple",
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("unsupported_grant_type");
    expect(res.body.error_description).toMatch(/ECOTONE_OAUTH_PASSWORD_GRANT/);
    const meta = await off.api(null, "GET", "/.well-known/oauth-authorization-server");
    expect(meta.body.grant_types_supported).not.toContain("password");
  });

  it("gives a working token for the right password when turned on", async () => {
    const client = await app(on);
    const res = await grant(on, {
      client_id: client.client_id,
      client_secret: client.client_secret,
      username: "alice",
      password: "correct horse battery staple",
      scope: "read",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "Bearer", scope: "read" });
    const me = await on.api(res.body.access_token, "GET", "/api/v1/accounts/verify_credentials");
    expect(me.body.username).toBe("alice");
    // read only: writing is outside the token's scopes.
    expect((await on.api(res.body.access_token, "POST", "/api/v1/statuses", { status: "x" })).status).toBe(403);
    const meta = await on.api(null, "GET", "/.well-known/oauth-authorization-server");
    expect(meta.body.grant_types_supported).toContain("password");
  });

  it("refuses a wrong password, a wrong secret and a scope beyond the app's", async () => {
    const client = await app(on, "read");
    const base = { client_id: client.client_id, client_secret: client.client_secret, username: "alice" };
    expect((await grant(on, { ...base, password: "wrong" })).body.error).toBe("invalid_grant");
    expect((await grant(on, { ...base, client_secret: "nope", password: "correct horse battery staple" })).body.error).toBe("invalid_client");
    expect((await grant(on, { ...base, password: "correct horse battery staple", scope: "write" })).body.error).toBe("invalid_scope");
  });

  it("throttles repeated wrong passwords with 429", async () => {
    const client = await app(on);
    const base = { client_id: client.client_id, client_secret: client.client_secret, username: "alice" };
    for (let i = 0; i < 10; i++) await grant(on, { ...base, password: `guess ${i}` });
    const blocked = await grant(on, { ...base, password: "correct horse battery staple" });
    expect(blocked.status).toBe(429);
  });
});
