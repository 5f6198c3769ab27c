// Request bodies of the Ecotone API are checked against the route's schema:
// a wrong or missing field is a 422 that names it and stores nothing, a
// stranger is refused (401) before the body is looked at, and values are taken
// as sent (a number is not a string).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let olga: TestUser;

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
});

afterAll(async () => {
  await a?.close();
});

const groupNames = async () =>
  ((await a.api(olga.token, "GET", "/api/ecotone/v1/groups")).body.items as Array<{ slug?: string; name?: string; handle?: string }>).length;

describe("schema validation", () => {
  it("refuses a missing or mistyped field with a 422 naming it, and stores nothing", async () => {
    const before = await groupNames();
    const missing = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { name: "No slug" });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: "validation_failed", details: { field: "slug" } });
    expect(missing.body.error.message).toContain('"slug"');

    const mistyped = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: 42 });
    expect(mistyped.status).toBe(422);
    expect(mistyped.body.error.details.field).toBe("slug");

    const badList = await a.api(olga.token, "POST", "/api/ecotone/v1/reports", { postIds: ["x", 7] });
    expect(badList.status).toBe(422);
    expect(badList.body.error.message).toContain('"postIds[1]"');
    expect(await groupNames()).toBe(before);
  });

  it("accepts null for an optional field, as clients send it", async () => {
    const created = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "nulls", name: null, summary: null });
    expect(created.status).toBe(201);
  });

  it("refuses a stranger with 401 before looking at the body, and a token without the scope with 403", async () => {
    const stranger = await a.api(null, "POST", "/api/ecotone/v1/follows", { target: 7 });
    expect(stranger.status).toBe(401);
    const readOnly = await a.user("rita", { scopes: "read" });
    const forbidden = await a.api(readOnly.token, "POST", "/api/ecotone/v1/follows", {});
    expect(forbidden.status).toBe(403);
  });

  it("refuses a body that is not an object", async () => {
    const res = await fetch(`${a.origin}/api/ecotone/v1/follows`, {
      method: "POST",
      headers: { authorization: `Bearer ${olga.token}`, "content-type": "application/json" },
      body: JSON.stringify(["@someone@example.com"]),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe("validation_failed");
  });
});
