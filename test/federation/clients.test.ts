// Real client libraries no one here wrote, against two running instances:
// masto.js end to end (OAuth with PKCE through the real form, posting,
// following across instances, paging, notifications, search, groups,
// revocation), and megalodon's server detector.
import { createHash, randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient } from "masto";
import generator, { detector } from "megalodon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let bob: TestUser;
const REDIRECT = "https://app.example/callback";

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  await a.user("alice");
  bob = await b.user("bob");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** The user's part of the OAuth flow: the browser form, as a person fills it in. */
async function approveInBrowser(instance: TestInstance, clientId: string, challenge: string): Promise<string> {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: "read write follow",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const page = await fetch(`${instance.origin}/oauth/authorize?${query}`);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!);
  form.set("username", "alice");
  form.set("password", "correct horse battery staple");
  form.set("decision", "approve");
  const res = await fetch(`${instance.origin}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: page.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; "),
    },
    body: form.toString(),
  });
  return new URL(res.headers.get("location")!).searchParams.get("code")!;
}

describe("masto.js", () => {
  it("signs in with PKCE and does what a member does, across two instances", async () => {
    const anonymous = createRestAPIClient({ url: a.origin });
    const app = await anonymous.v1.apps.create({ clientName: "masto.js test", redirectUris: REDIRECT, scopes: "read write follow" });
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const code = await approveInBrowser(a, app.clientId!, challenge);
    const oauth = createOAuthAPIClient({ url: a.origin });
    const token = await oauth.token.create({
      grantType: "authorization_code",
      clientId: app.clientId!,
      clientSecret: app.clientSecret!,
      redirectUri: REDIRECT,
      code,
      codeVerifier: verifier,
    } as never);
    const masto = createRestAPIClient({ url: a.origin, accessToken: token.accessToken });

    const me = await masto.v1.accounts.verifyCredentials();
    expect(me.username).toBe("alice");

    // A 2×1 PNG, uploaded and attached.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHAgEA3bf1iAAAAABJRU5ErkJggg==", "base64");
    const media = await masto.v2.media.create({ file: new Blob([new Uint8Array(png)], { type: "image/png" }), description: "pixel" });
    expect(media.type).toBe("image");
    const status = await masto.v1.statuses.create({ status: "Hello from masto.js", mediaIds: [media.id] });
    expect(status.mediaAttachments.map((m) => m.id)).toEqual([media.id]);
    const reply = await masto.v1.statuses.create({ status: "A reply", inReplyToId: status.id });
    expect(reply.inReplyToId).toBe(status.id);
    expect((await masto.v1.statuses.$select(status.id).favourite()).favouritesCount).toBe(1);
    expect((await masto.v1.statuses.$select(status.id).reblog()).reblog?.id).toBe(status.id);

    // Search resolves bob on the other instance; following him works over federation.
    const found = await masto.v2.search.list({ q: `@bob@${b.host}`, resolve: true, type: "accounts" });
    expect(found.accounts[0]?.acct).toBe(`bob@${b.host}`);
    await masto.v1.accounts.$select(found.accounts[0]!.id).follow();
    await eventually(async () => {
      const [rel] = await masto.v1.accounts.relationships.fetch({ id: [found.accounts[0]!.id] });
      return rel?.following === true;
    });

    // bob posts; it reaches alice's home timeline, paged two at a time through Link.
    for (let i = 0; i < 3; i++) await b.api(bob.token, "POST", "/api/v1/statuses", { status: `bob's note ${i}` });
    await eventually(async () => (await masto.v1.timelines.home.list({ limit: 40 })).filter((s) => s.account.acct === `bob@${b.host}`).length === 3);
    const pages: string[][] = [];
    for await (const page of masto.v1.timelines.home.list({ limit: 2 })) {
      pages.push(page.map((s) => s.id));
      if (pages.length > 10) break;
    }
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(new Set(pages.flat()).size).toBe(pages.flat().length);

    // bob mentions alice: a notification.
    await b.api(bob.token, "POST", "/api/v1/statuses", { status: `@alice@${a.host} see you Friday` });
    await eventually(async () => (await masto.v1.notifications.list()).some((n) => n.type === "mention"));

    // A group on B: following the group account joins it, and its posts arrive.
    await b.api(bob.token, "POST", "/api/ecotone/v1/groups", { slug: "partners", joinPolicy: "open" });
    const group = await masto.v1.accounts.lookup({ acct: `partners@${b.host}` });
    expect(group.group).toBe(true);
    await masto.v1.accounts.$select(group.id).follow();
    await eventually(async () => (await masto.v1.accounts.relationships.fetch({ id: [group.id] }))[0]?.following === true);
    const groupPost = await b.api(bob.token, "POST", "/api/v1/statuses", { status: `@partners@${b.host} Kick-off on Monday` });
    // alice follows bob, so his group post shows as his own status (otherwise
    // as the group's boost — see test/int/mastodon.int.test.ts).
    await eventually(async () =>
      (await masto.v1.timelines.home.list({ limit: 40 })).some((s) => s.uri === groupPost.body.uri || s.reblog?.uri === groupPost.body.uri),
    );

    // Revoked: refused.
    await oauth.revoke({ clientId: app.clientId!, clientSecret: app.clientSecret!, token: token.accessToken } as never);
    await expect(masto.v1.accounts.verifyCredentials()).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe("megalodon", () => {
  it("detects the server as Mastodon-compatible and reads the instance and home timeline", async () => {
    expect(await detector(a.origin)).toBe("mastodon");
    const alice = await a.user("alice2");
    const client = generator("mastodon", a.origin, alice.token);
    const instance = await client.getInstance();
    expect(instance.data.uri).toBe(a.host);
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "megalodon was here" });
    const home = await client.getHomeTimeline();
    expect(home.data.map((s) => s.content).join()).toContain("megalodon was here");
  });
});
