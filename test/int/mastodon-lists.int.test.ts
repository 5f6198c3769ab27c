// Lists as apps use them: create, rename, add people I follow, read the
// list's timeline (with its replies policy), and nobody else's lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
const id: Record<string, string> = {};

const ids = (body: Array<{ id: string }>) => body.map((s) => s.id);

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  carol = await a.user("carol");
  dave = await a.user("dave");
  for (const name of ["bob", "carol", "dave"]) {
    id[name] = (await a.api(alice.token, "GET", `/api/v1/accounts/lookup?acct=${name}`)).body.id;
  }
  await a.api(alice.token, "POST", `/api/v1/accounts/${id.bob}/follow`);
  await a.api(alice.token, "POST", `/api/v1/accounts/${id.carol}/follow`);
});

afterAll(async () => {
  await a?.close();
});

describe("lists", () => {
  let listId: string;

  it("creates, reads, renames and lists lists", async () => {
    const created = await a.api(alice.token, "POST", "/api/v1/lists", { title: "Suppliers" });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: expect.stringMatching(/^\d+$/), title: "Suppliers", replies_policy: "list", exclusive: false });
    listId = created.body.id;
    const renamed = await a.api(alice.token, "PUT", `/api/v1/lists/${listId}`, { title: "Key suppliers", replies_policy: "followed" });
    expect(renamed.body).toMatchObject({ title: "Key suppliers", replies_policy: "followed" });
    expect((await a.api(alice.token, "GET", "/api/v1/lists")).body).toEqual([renamed.body]);
    expect((await a.api(alice.token, "GET", `/api/v1/lists/${listId}`)).body).toEqual(renamed.body);
  });

  it("refuses a blank title or an unknown policy, changing nothing", async () => {
    expect((await a.api(alice.token, "POST", "/api/v1/lists", { title: "  " })).status).toBe(422);
    expect((await a.api(alice.token, "PUT", `/api/v1/lists/${listId}`, { replies_policy: "everyone" })).status).toBe(422);
    const lists = (await a.api(alice.token, "GET", "/api/v1/lists")).body;
    expect(lists).toHaveLength(1);
    expect(lists[0].replies_policy).toBe("followed");
  });

  it("adds only people I follow, and shows their posts in the list timeline", async () => {
    const refused = await a.api(alice.token, "POST", `/api/v1/lists/${listId}/accounts`, { account_ids: [id.dave] });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/follow/);
    expect((await a.api(alice.token, "POST", `/api/v1/lists/${listId}/accounts`, { account_ids: [id.bob] })).status).toBe(200);
    const members = await a.api(alice.token, "GET", `/api/v1/lists/${listId}/accounts`);
    expect(members.body.map((x: { username: string }) => x.username)).toEqual(["bob"]);
    expect((await a.api(alice.token, "GET", `/api/v1/accounts/${id.bob}/lists`)).body.map((l: { id: string }) => l.id)).toEqual([listId]);

    const bobs = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "bob on the list" });
    const carols = await a.api(carol.token, "POST", "/api/v1/statuses", { status: "carol not on it" });
    const daves = await a.api(dave.token, "POST", "/api/v1/statuses", { status: "dave, a stranger" });
    const bobToDave = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "reply to a stranger", in_reply_to_id: daves.body.id });
    const bobToCarol = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "reply to carol", in_reply_to_id: carols.body.id });
    const timeline = await a.api(alice.token, "GET", `/api/v1/timelines/list/${listId}`);
    expect(timeline.status).toBe(200);
    // "followed": replies to people alice follows stay, a reply to a stranger does not.
    expect(ids(timeline.body)).toEqual([bobToCarol.body.id, bobs.body.id]);
    expect(ids(timeline.body)).not.toContain(bobToDave.body.id);

    await a.api(alice.token, "PUT", `/api/v1/lists/${listId}`, { replies_policy: "none" });
    expect(ids((await a.api(alice.token, "GET", `/api/v1/timelines/list/${listId}`)).body)).toEqual([bobs.body.id]);

    expect((await a.api(alice.token, "DELETE", `/api/v1/lists/${listId}/accounts?account_ids[]=${id.bob}`)).status).toBe(200);
    expect((await a.api(alice.token, "GET", `/api/v1/timelines/list/${listId}`)).body).toEqual([]);
  });

  it("an exclusive list takes its members out of home, and unfollowing takes them out of lists", async () => {
    const list = (await a.api(alice.token, "POST", "/api/v1/lists", { title: "Carol only", exclusive: true })).body;
    expect(list.exclusive).toBe(true);
    await a.api(alice.token, "POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [id.carol] });
    const post = await a.api(carol.token, "POST", "/api/v1/statuses", { status: "only in the list" });
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/home")).body)).not.toContain(post.body.id);
    expect(ids((await a.api(alice.token, "GET", `/api/v1/timelines/list/${list.id}`)).body)).toContain(post.body.id);

    await a.api(alice.token, "POST", `/api/v1/accounts/${id.carol}/unfollow`);
    expect((await a.api(alice.token, "GET", `/api/v1/lists/${list.id}/accounts`)).body).toEqual([]);
    await a.api(alice.token, "DELETE", `/api/v1/lists/${list.id}`);
  });

  it("keeps lists private to their owner", async () => {
    expect((await a.api(bob.token, "GET", `/api/v1/lists/${listId}`)).status).toBe(404);
    expect((await a.api(bob.token, "GET", `/api/v1/timelines/list/${listId}`)).status).toBe(404);
    expect((await a.api(bob.token, "DELETE", `/api/v1/lists/${listId}`)).status).toBe(404);
    expect((await a.api(alice.token, "GET", `/api/v1/lists/${listId}`)).status).toBe(200);
  });

  it("deletes a list", async () => {
    expect((await a.api(alice.token, "DELETE", `/api/v1/lists/${listId}`)).status).toBe(200);
    expect((await a.api(alice.token, "GET", "/api/v1/lists")).body).toEqual([]);
  });
});
