// Golden JSON for the Account, Status, Notification, Relationship, List, Tag,
// FeaturedTag, StatusSource and StatusEdit entities: the exact
// shape a Mastodon client receives, with ids, times and the origin replaced
// by placeholders. Reviewed field by field against docs.joinmastodon.org
// (entities/Account, entities/Status, entities/Notification and the others
// by name). To accept an
// intended change: UPDATE_GOLDEN=1 npx vitest run test/int/mastodon.golden.int.test.ts
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

const GOLDEN = join(import.meta.dirname, "../fixtures/golden");
let instance: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  instance = await startInstance();
  alice = await instance.user("alice");
  bob = await instance.user("bob");
  await instance.api(alice.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "Alice Example", note: "Buyer at Acme" });
});

afterAll(async () => {
  await instance?.close();
});

function normalize(value: unknown): unknown {
  const text = JSON.stringify(value)
    .replaceAll(instance.origin, "https://ecotone.example")
    .replaceAll(instance.host, "ecotone.example")
    .replace(/"\d{19}"/g, '"<id>"')
    .replace(/-\d{19}"/g, '-<id>"')
    .replace(/\/\d{19}(?=[/"#.])/g, "/<id>")
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<datetime>")
    .replace(/"\d{4}-\d{2}-\d{2}"/g, '"<date>"');
  return sortKeys(JSON.parse(text));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function matchGolden(name: string, value: unknown) {
  const file = join(GOLDEN, `${name}.json`);
  const actual = normalize(value);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  }
  expect(actual).toEqual(JSON.parse(readFileSync(file, "utf8")));
}

describe("golden Mastodon entities", () => {
  it("Account", async () => {
    const res = await instance.api(alice.token, "GET", "/api/v1/accounts/verify_credentials");
    matchGolden("account", res.body);
  });

  it("Status", async () => {
    const post = await instance.api(alice.token, "POST", "/api/v1/statuses", {
      status: `Hello @bob@${instance.host}, see https://acme.example/catalog #catalog`,
      spoiler_text: "Product news",
      language: "en",
    });
    matchGolden("status", post.body);
  });

  it("Notification", async () => {
    const post = await instance.api(alice.token, "POST", "/api/v1/statuses", { status: "Liked?" });
    await instance.api(bob.token, "POST", `/api/v1/statuses/${post.body.id}/favourite`);
    const res = await instance.api(alice.token, "GET", "/api/v1/notifications?types[]=favourite");
    matchGolden("notification", res.body[0]);
  });

  it("Relationship", async () => {
    const bobId = (await instance.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=bob")).body.id;
    await instance.api(alice.token, "POST", `/api/v1/accounts/${bobId}/follow`);
    await instance.api(alice.token, "POST", `/api/v1/accounts/${bobId}/mute`, { notifications: false });
    const res = await instance.api(alice.token, "GET", `/api/v1/accounts/relationships?id[]=${bobId}`);
    matchGolden("relationship", res.body[0]);
  });

  it("List", async () => {
    const res = await instance.api(alice.token, "POST", "/api/v1/lists", { title: "Suppliers", replies_policy: "followed" });
    matchGolden("list", res.body);
  });

  it("Tag and FeaturedTag", async () => {
    await instance.api(alice.token, "POST", "/api/v1/statuses", { status: "About #catalog again" });
    const tag = await instance.api(alice.token, "POST", "/api/v1/tags/catalog/follow");
    // The days are UNIX times of the last seven UTC midnights.
    const days = tag.body.history.map((h: { day: string }) => Number(h.day));
    expect(days.every((d: number, i: number) => i === 0 || days[i - 1] - d === 86_400)).toBe(true);
    matchGolden("tag", { ...tag.body, history: tag.body.history.map((h: object) => ({ ...h, day: "<day>" })) });
    const featured = await instance.api(alice.token, "POST", "/api/v1/featured_tags", { name: "catalog" });
    matchGolden("featured_tag", featured.body);
  });

  it("StatusSource and StatusEdit", async () => {
    const post = await instance.api(alice.token, "POST", "/api/v1/statuses", { status: "Draft *one*", spoiler_text: "cw" });
    await instance.api(alice.token, "PUT", `/api/v1/statuses/${post.body.id}`, { status: "Draft two", spoiler_text: "cw" });
    matchGolden("status_source", (await instance.api(alice.token, "GET", `/api/v1/statuses/${post.body.id}/source`)).body);
    matchGolden("status_edit", (await instance.api(alice.token, "GET", `/api/v1/statuses/${post.body.id}/history`)).body[0]);
  });
});
