// The OpenAPI document describes every Ecotone API route the server really
// has, with its scope: a route added without a description fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";

let instance: TestInstance;

beforeAll(async () => {
  instance = await startInstance();
});

afterAll(async () => {
  await instance?.close();
});

describe("OpenAPI document", () => {
  it("is an OpenAPI 3.1 document with a summary for every registered route", async () => {
    const res = await instance.api(null, "GET", "/api/ecotone/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0].url).toBe(`${instance.origin}/api/ecotone/v1`);
    const operations = Object.entries(doc.paths as Record<string, Record<string, { summary: string }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, summary: op.summary })),
    );
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((op) => op.summary === "(undocumented)")).toEqual([]);
    const createPost = doc.paths["/posts"].post;
    expect(createPost["x-scope"]).toBe("write:statuses");
    expect(doc.paths["/groups/{group}/join"].post.parameters[0]).toMatchObject({ name: "group", in: "path" });
    // Routes declared with a schema document their input and scope from it.
    const follow = doc.paths["/follows"].post;
    expect(follow["x-scope"]).toBe("write:follows");
    expect(follow.security).toEqual([{ bearer: ["write:follows"] }]);
    expect(follow.requestBody.content["application/json"].schema).toMatchObject({ required: ["target"], properties: { target: { type: "string" } } });
    // Only the Ecotone API, and no HEAD twins of GET routes.
    expect(Object.keys(doc.paths).filter((path) => path.startsWith("/api/") || path.startsWith("/.well-known"))).toEqual([]);
    expect(operations.filter((op) => op.method === "head")).toEqual([]);
  });

  it("has a second document for the Mastodon routes, with the fields each reads", async () => {
    const doc = (await instance.api(null, "GET", "/api/ecotone/v1/openapi/mastodon.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0].url).toBe(instance.origin);
    expect(Object.keys(doc.paths).every((path: string) => /^\/api\/v[12]\//.test(path))).toBe(true);
    const post = doc.paths["/api/v1/statuses"].post;
    // Apps send JSON, forms and multipart: each is documented with the same schema.
    expect(Object.keys(post.requestBody.content).sort()).toEqual(["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]);
    expect(post.requestBody.content["application/json"].schema.properties).toMatchObject({
      sensitive: { type: "boolean" },
      media_ids: { type: "array", items: { type: "string" } },
      poll: { type: "object", required: ["options", "expires_in"] },
    });
    const query = doc.paths["/api/v1/notifications"].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(query).toEqual(expect.arrayContaining(["query:types", "query:exclude_types"]));
  });
});
