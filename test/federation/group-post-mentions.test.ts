// A post in a members-only group that names someone outside the group must not
// reach that person's server: the group relays it to its members, and the
// people it names get it only if the one visibility rule lets them read it.
// The honest control: a named member gets it (and a mention), and a public
// post naming the outsider still reaches them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let ada: TestUser;
let bea: TestUser;
let carl: TestUser;
let groupHandle: string;

const storedOn = async (instance: TestInstance, uri: string) =>
  (await instance.app.ctx.db.selectFrom("posts").select("uri").where("uri", "=", uri).execute()).length > 0;

const mentionsOf = async (instance: TestInstance, user: TestUser) =>
  (await instance.api(user.token, "GET", "/api/v1/notifications?types[]=mention")).body as Array<{ status?: { uri: string } }>;

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  [ada, bea, carl] = await Promise.all([a.user("ada"), b.user("bea"), c.user("carl")]);
  groupHandle = `suppliers@${a.host}`;
  const created = await a.api(ada.token, "POST", "/api/ecotone/v1/groups", {
    slug: "suppliers",
    name: "Suppliers",
    visibility: "members_only",
    joinPolicy: "approval",
  });
  expect(created.status).toBe(201);
  const joined = await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}/join`);
  expect([200, 202]).toContain(joined.status);
  const pending = await eventually(async () => {
    const res = await a.api(ada.token, "GET", "/api/ecotone/v1/groups/suppliers/members?state=pending");
    return res.body.items.length > 0 ? res.body.items : null;
  });
  for (const request of pending)
    expect((await a.api(ada.token, "POST", `/api/ecotone/v1/groups/suppliers/requests/${request.requestId}/approve`)).status).toBe(204);
  await eventually(
    async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}`)).body.membership?.state === "accepted",
  );
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("people named in a members-only group's post", () => {
  it("a member named in it gets it; an outsider named in it does not, from the group's home or a member's instance", async () => {
    const fromA = await a.api(ada.token, "POST", "/api/ecotone/v1/posts", { group: groupHandle, content: `Price list for ${bea.handle} and ${carl.handle}` });
    expect(fromA.status).toBe(201);
    const fromB = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: groupHandle, content: `Counter-offer, cc ${carl.handle}` });
    expect(fromB.status).toBe(201);

    await eventually(async () => (await storedOn(b, fromA.body.uri)) && (await mentionsOf(b, bea)).some((n) => n.status?.uri === fromA.body.uri));
    await eventually(() => storedOn(a, fromB.body.uri));

    // Public posts naming Carl, sent after the group posts, are the sign that C has been reached by what A and B send it.
    const sentinelA = await a.api(ada.token, "POST", "/api/v1/statuses", { status: `Public hello ${carl.handle}`, visibility: "public" });
    const sentinelB = await b.api(bea.token, "POST", "/api/v1/statuses", { status: `Public hello too ${carl.handle}`, visibility: "public" });
    expect([sentinelA.status, sentinelB.status]).toEqual([200, 200]);
    await eventually(async () => (await storedOn(c, sentinelA.body.uri)) && (await storedOn(c, sentinelB.body.uri)), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(await storedOn(c, fromA.body.uri)).toBe(false);
    expect(await storedOn(c, fromB.body.uri)).toBe(false);
    const carlsMentions = (await mentionsOf(c, carl)).map((n) => n.status?.uri);
    expect(carlsMentions).toContain(sentinelA.body.uri);
    expect(carlsMentions).not.toContain(fromA.body.uri);
    expect(carlsMentions).not.toContain(fromB.body.uri);
  });
});
