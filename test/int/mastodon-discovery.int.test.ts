// Discovery as directories and apps do it: NodeInfo 2.0 beside 2.1, CORS on
// media and static images, trends and follow suggestions from real activity.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  carol = await a.user("carol");
});

afterAll(async () => {
  await a?.close();
});

describe("NodeInfo", () => {
  it("links 2.0 and 2.1 from the well-known document, and serves both", async () => {
    const wellKnown = await a.api(null, "GET", "/.well-known/nodeinfo");
    expect(wellKnown.body.links.map((l: { rel: string }) => l.rel)).toEqual([
      "http://nodeinfo.diaspora.software/ns/schema/2.0",
      "http://nodeinfo.diaspora.software/ns/schema/2.1",
    ]);
    const v21 = await a.api(null, "GET", "/nodeinfo/2.1");
    const v20 = await a.api(null, "GET", new URL(wellKnown.body.links[0].href).pathname);
    expect(v20.status).toBe(200);
    expect(v20.body.version).toBe("2.0");
    expect(v20.body.software).toEqual({ name: "ecotone", version: v21.body.software.version });
    expect(v20.body.usage).toEqual(v21.body.usage);
    expect(v20.body.metadata.upstream.name).toBe("mastodon");
    expect(v20.body.protocols).toEqual(["activitypub"]);
  });
});

describe("CORS on images", () => {
  it("lets web apps on other origins load static and uploaded images", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAHAgEA3bf1iAAAAABJRU5ErkJggg==", "base64");
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "pixel.png");
    const media = await (await fetch(`${a.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${alice.token}` }, body: form })).json();
    const file = await fetch(media.url, { headers: { origin: "https://elk.example" } });
    expect(file.status).toBe(200);
    expect(file.headers.get("access-control-allow-origin")).toBe("*");
    const avatar = await fetch(`${a.origin}/static/avatar.png`, { headers: { origin: "https://elk.example" } });
    expect(avatar.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("trends and suggestions", () => {
  it("trends the tags most people used this week, and the most liked public posts", async () => {
    await a.api(alice.token, "POST", "/api/v1/statuses", { status: "#supply is hot" });
    await a.api(bob.token, "POST", "/api/v1/statuses", { status: "agreed #supply #rare" });
    const liked = await a.api(carol.token, "POST", "/api/v1/statuses", { status: "a popular take" });
    await a.api(carol.token, "POST", "/api/v1/statuses", { status: "an ignored take" });
    await a.api(alice.token, "POST", `/api/v1/statuses/${liked.body.id}/favourite`);
    await a.api(bob.token, "POST", `/api/v1/statuses/${liked.body.id}/reblog`);

    const tags = await a.api(null, "GET", "/api/v1/trends/tags");
    expect(tags.body.map((t: { name: string }) => t.name)).toEqual(["supply", "rare"]);
    expect(tags.body[0].history[0]).toMatchObject({ uses: "2", accounts: "2" });
    expect((await a.api(null, "GET", "/api/v1/trends?limit=1")).body.map((t: { name: string }) => t.name)).toEqual(["supply"]);

    const statuses = await a.api(null, "GET", "/api/v1/trends/statuses");
    expect(statuses.body.map((s: { id: string }) => s.id)).toEqual([liked.body.id]);
    expect((await a.api(null, "GET", "/api/v1/trends/links")).body).toEqual([]);
  });

  it("suggests local people I do not follow yet, most followed first", async () => {
    const dave = await a.user("dave");
    const bobId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=bob")).body.id;
    const carolId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=carol")).body.id;
    await a.api(carol.token, "POST", `/api/v1/accounts/${bobId}/follow`);
    await a.api(dave.token, "POST", `/api/v1/accounts/${carolId}/follow`);
    await a.api(dave.token, "POST", `/api/v1/accounts/${bobId}/follow`);

    const v1 = await a.api(alice.token, "GET", "/api/v1/suggestions");
    expect(v1.body.map((x: { username: string }) => x.username)).toEqual(["bob", "carol", "dave"]);
    await a.api(alice.token, "POST", `/api/v1/accounts/${bobId}/follow`);
    const v2 = await a.api(alice.token, "GET", "/api/v2/suggestions");
    expect(v2.body.map((x: { account: { username: string } }) => x.account.username)).toEqual(["carol", "dave"]);
    expect(v2.body[0]).toMatchObject({ source: "global", sources: ["most_followed"] });
    expect((await a.api(null, "GET", "/api/v1/suggestions")).status).toBe(401);
  });
});
