// Search as apps use it: people by username, display name and handle prefix
// (autocomplete), posts by full text, hashtags, `resolve` for remote handles,
// and what a viewer may not see staying out of the results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let albert: TestUser;
let carol: TestUser;

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  albert = await a.user("albert");
  carol = await a.user("carol");
  await b.user("bob");
  await a.api(carol.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "Carol Zimmermann" });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const usernames = (body: Array<{ username: string }>) => body.map((x) => x.username);

describe("accounts", () => {
  it("autocompletes by username prefix, exact match first", async () => {
    const res = await a.api(alice.token, "GET", "/api/v1/accounts/search?q=al&limit=5");
    expect(res.status).toBe(200);
    expect(usernames(res.body).sort()).toEqual(["albert", "alice"]);
    const exact = await a.api(alice.token, "GET", "/api/v1/accounts/search?q=albert");
    expect(usernames(exact.body)[0]).toBe("albert");
  });

  it("finds people by display name, and by handle with this instance's domain", async () => {
    const byName = await a.api(alice.token, "GET", "/api/v2/search?q=zimmer&type=accounts");
    expect(usernames(byName.body.accounts)).toEqual(["carol"]);
    const byHandle = await a.api(alice.token, "GET", `/api/v1/accounts/search?q=${encodeURIComponent(`@car@${a.host}`)}`);
    expect(usernames(byHandle.body)).toEqual(["carol"]);
  });

  it("resolves a remote handle with resolve=True, then finds it cached by prefix", async () => {
    const notYet = await a.api(alice.token, "GET", `/api/v1/accounts/search?q=${encodeURIComponent(`bob@${b.host}`)}`);
    expect(notYet.body).toEqual([]);
    const resolved = await a.api(alice.token, "GET", `/api/v1/accounts/search?q=${encodeURIComponent(`bob@${b.host}`)}&resolve=True`);
    expect(resolved.body.map((x: { acct: string }) => x.acct)).toEqual([`bob@${b.host}`]);
    const cached = await a.api(alice.token, "GET", "/api/v1/accounts/search?q=bo");
    expect(cached.body.map((x: { acct: string }) => x.acct)).toContain(`bob@${b.host}`);
  });

  it("following=true keeps only accounts I follow", async () => {
    await a.api(alice.token, "POST", `/api/v1/accounts/${(await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=albert")).body.id}/follow`);
    const res = await a.api(alice.token, "GET", "/api/v1/accounts/search?q=a&following=true");
    expect(usernames(res.body)).toEqual(["albert"]);
  });

  it("does not find a secret group from outside", async () => {
    const created = await a.api(albert.token, "POST", "/api/ecotone/v1/groups", {
      slug: "hidden_team",
      name: "Hidden team",
      visibility: "secret",
      joinPolicy: "invite",
    });
    expect(created.status).toBeLessThan(300);
    const outsider = await a.api(carol.token, "GET", "/api/v1/accounts/search?q=hidden");
    expect(outsider.body).toEqual([]);
    const member = await a.api(albert.token, "GET", "/api/v1/accounts/search?q=hidden");
    expect(usernames(member.body)).toEqual(["hidden_team"]);
  });

  it("answers an empty query with an empty list and a bad limit with 422", async () => {
    expect((await a.api(alice.token, "GET", "/api/v1/accounts/search?q=")).body).toEqual([]);
    expect((await a.api(alice.token, "GET", "/api/v1/accounts/search?q=a&limit=lots")).status).toBe(422);
  });
});

describe("statuses and hashtags", () => {
  it("finds posts by full text, every word as a prefix, newest first", async () => {
    const first = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Quarterly shipping forecast for the <b>Rotterdam</b> warehouse #logistics" });
    const second = await a.api(carol.token, "POST", "/api/v1/statuses", { status: "Shipping delays in Rotterdam again #Logistics" });
    await a.api(carol.token, "POST", "/api/v1/statuses", { status: "Nothing to see here" });
    const res = await a.api(alice.token, "GET", "/api/v2/search?q=rotterdam%20ship&type=statuses");
    expect(res.status).toBe(200);
    expect(res.body.statuses.map((s: { id: string }) => s.id)).toEqual([second.body.id, first.body.id]);
    const byAccount = await a.api(alice.token, "GET", `/api/v2/search?q=rotterdam&type=statuses&account_id=${first.body.account.id}`);
    expect(byAccount.body.statuses.map((s: { id: string }) => s.id)).toEqual([first.body.id]);
    // Words of markup are not content.
    const markup = await a.api(alice.token, "GET", "/api/v2/search?q=href&type=statuses");
    expect(markup.body.statuses).toEqual([]);
  });

  it("finds hashtags by prefix with their Tag shape", async () => {
    const res = await a.api(alice.token, "GET", "/api/v2/search?q=%23logi&type=hashtags");
    expect(res.body.hashtags).toHaveLength(1);
    const [tag] = res.body.hashtags;
    expect(tag).toMatchObject({ name: "logistics", url: `${a.origin}/tags/logistics`, following: false });
    // Seven days, today first: two uses by two people today.
    expect(tag.history).toHaveLength(7);
    expect(tag.history[0]).toEqual({ day: String(Math.floor(Date.now() / 86_400_000) * 86_400), uses: "2", accounts: "2" });
  });

  it("keeps members-only group posts out of an outsider's results", async () => {
    const group = await a.api(alice.token, "POST", "/api/ecotone/v1/groups", {
      slug: "suppliers",
      name: "Suppliers",
      visibility: "members_only",
      joinPolicy: "approval",
    });
    expect(group.status).toBeLessThan(300);
    const inside = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { group: "suppliers", content: "Confidential pallet pricing" });
    expect(inside.status).toBeLessThan(300);
    const member = await a.api(alice.token, "GET", "/api/v2/search?q=pallet&type=statuses");
    expect(member.body.statuses).toHaveLength(1);
    const outsider = await a.api(carol.token, "GET", "/api/v2/search?q=pallet&type=statuses");
    expect(outsider.body.statuses).toEqual([]);
    const anonymous = await a.api(null, "GET", "/api/v2/search?q=pallet");
    expect(anonymous.body.statuses).toEqual([]);
  });

  it("refuses an unknown type with 422", async () => {
    const res = await a.api(alice.token, "GET", "/api/v2/search?q=x&type=people");
    expect(res.status).toBe(422);
  });
});
