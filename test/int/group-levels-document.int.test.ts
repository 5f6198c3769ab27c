// A group's actor document states its members' levels (`memberLevels`,
// docs/federation.md "Reputation levels") only to those who may list its
// members: to anyone for a public group, never to an outsider of a
// members-only one (the levels name the members).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replaceGroupLevels } from "../../src/db/repos/group-levels.repo.ts";
import { startInstanceWithUsers, type TestInstance, type TestUser } from "../helpers/instances.ts";

let instance: TestInstance;
let users: Record<"olga" | "ann", TestUser>;

beforeAll(async () => {
  ({ instance, users } = await startInstanceWithUsers("olga", "ann"));
});

afterAll(async () => {
  await instance?.close();
});

async function groupWithLevels(slug: string, visibility: string) {
  const created = await instance.api(users.olga.token, "POST", "/api/ecotone/v1/groups", { slug, name: slug, visibility });
  expect(created.status).toBe(201);
  await replaceGroupLevels(instance.app.ctx.db, created.body.actor.id, [{ memberUri: users.ann.uri, level: "established" }], new Date());
  return created.body.actor.uri as string;
}

const documentOf = async (uri: string) => (await (await fetch(uri, { headers: { accept: "application/activity+json" } })).json()) as Record<string, unknown>;

describe("levels in the group's actor document", () => {
  it("are stated in a public group's document, with their terms in its context", async () => {
    const doc = await documentOf(await groupWithLevels("open-forum", "public"));
    expect(doc.memberLevels).toEqual([{ member: users.ann.uri, level: "established" }]);
    expect(JSON.stringify(doc["@context"])).toContain('"ecotone:memberLevels"');
  });

  it("are left out of a members-only group's document for an outsider", async () => {
    const doc = await documentOf(await groupWithLevels("inner-circle", "members_only"));
    expect(doc.type).toBe("Group");
    expect(doc.memberLevels).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain(users.ann.uri);
  });

  it("are absent while the group never stated any", async () => {
    const created = await instance.api(users.olga.token, "POST", "/api/ecotone/v1/groups", { slug: "quiet", name: "Quiet", visibility: "public" });
    expect((await documentOf(created.body.actor.uri)).memberLevels).toBeUndefined();
  });
});
