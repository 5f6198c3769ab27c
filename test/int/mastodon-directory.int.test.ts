// Profile screens and discovery: familiar followers, the directory, known
// peers (signed-in only here), and the unread notification count against the
// notifications marker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const id: Record<string, string> = {};

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  bob = await a.user("bob");
  carol = await a.user("carol");
  for (const name of ["alice", "bob", "carol"]) id[name] = (await a.api(alice.token, "GET", `/api/v1/accounts/lookup?acct=${name}`)).body.id;
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("familiar followers", () => {
  it("names the people I follow who follow an account", async () => {
    await a.api(alice.token, "POST", `/api/v1/accounts/${id.bob}/follow`);
    await a.api(bob.token, "POST", `/api/v1/accounts/${id.carol}/follow`);
    const res = await a.api(alice.token, "GET", `/api/v1/accounts/familiar_followers?id[]=${id.carol}&id[]=${id.bob}`);
    expect(res.status).toBe(200);
    expect(res.body.map((f: { id: string }) => f.id)).toEqual([id.carol, id.bob]);
    expect(res.body[0].accounts.map((x: { username: string }) => x.username)).toEqual(["bob"]);
    expect(res.body[1].accounts).toEqual([]);
  });

  it("names nobody among a members-only or secret group's members to an outsider; a member sees them (control)", async () => {
    // Alice follows Bob; Bob joins Carol's private groups; Alice is in neither.
    await a.api(alice.token, "POST", `/api/v1/accounts/${id.bob}/follow`);
    for (const [slug, visibility] of [
      ["inner", "members_only"],
      ["vault", "secret"],
    ]) {
      expect((await a.api(carol.token, "POST", "/api/ecotone/v1/groups", { slug, visibility })).status).toBe(201);
      await a.api(carol.token, "POST", `/api/ecotone/v1/groups/${slug}/invites`, { target: bob.handle });
      await a.api(bob.token, "POST", `/api/ecotone/v1/groups/${slug}/join`);
    }
    const groupIds = await Promise.all(
      ["inner", "vault"].map(async (slug) => (await a.app.ctx.db.selectFrom("actors").select("id").where("username", "=", slug).executeTakeFirstOrThrow()).id),
    );
    const ask = (token: string) => a.api(token, "GET", `/api/v1/accounts/familiar_followers?${groupIds.map((g) => `id[]=${g}`).join("&")}`);
    const outsider = await ask(alice.token);
    expect(outsider.body.map((f: { accounts: unknown[] }) => f.accounts)).toEqual([[], []]);
    // Carol follows Bob too, and is the groups' owner: she may list their members.
    await a.api(carol.token, "POST", `/api/v1/accounts/${id.bob}/follow`);
    const owner = await ask(carol.token);
    expect(owner.body.map((f: { accounts: Array<{ username: string }> }) => f.accounts.map((x) => x.username))).toEqual([["bob"], ["bob"]]);
  });
});

describe("directory and peers", () => {
  it("lists this instance's people, newest first with order=new, to signed-in users only", async () => {
    const res = await a.api(alice.token, "GET", "/api/v1/directory?order=new&limit=2");
    expect(res.body.map((x: { username: string }) => x.username)).toEqual(["carol", "bob"]);
    expect((await a.api(null, "GET", "/api/v1/directory")).status).toBe(401);
  });

  it("lists the servers this one knows, to signed-in users only", async () => {
    await b.user("dora");
    await a.api(alice.token, "GET", `/api/v2/search?q=${encodeURIComponent(`dora@${b.host}`)}&resolve=true`);
    await eventually(async () => (await a.api(alice.token, "GET", "/api/v1/instance/peers")).body.includes(b.host));
    expect((await a.api(null, "GET", "/api/v1/instance/peers")).status).toBe(401);
  });
});

describe("unread notifications", () => {
  it("counts notifications newer than the notifications marker", async () => {
    const p1 = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "one" });
    const p2 = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "two" });
    await a.api(carol.token, "POST", `/api/v1/statuses/${p1.body.id}/favourite`);
    const before = (await a.api(alice.token, "GET", "/api/v1/notifications/unread_count")).body.count;
    expect(before).toBeGreaterThanOrEqual(1);
    const [latest] = (await a.api(alice.token, "GET", "/api/v1/notifications?limit=1")).body;
    await a.api(alice.token, "POST", "/api/v1/markers", { notifications: { last_read_id: latest.id } });
    expect((await a.api(alice.token, "GET", "/api/v1/notifications/unread_count")).body).toEqual({ count: 0 });
    await a.api(carol.token, "POST", `/api/v1/statuses/${p2.body.id}/favourite`);
    expect((await a.api(alice.token, "GET", "/api/v1/notifications/unread_count")).body).toEqual({ count: 1 });
  });
});
