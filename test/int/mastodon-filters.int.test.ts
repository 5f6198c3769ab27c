// Filters v2 as apps use them: a keyword filter marks matching statuses in
// its contexts (`filtered`), a `hide` filter removes them (and their
// notifications), status filters, keywords added and removed, expiry, and
// bad input refused with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

const ids = (body: Array<{ id: string }>) => body.map((s) => s.id);

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  const bobId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=bob")).body.id;
  await a.api(alice.token, "POST", `/api/v1/accounts/${bobId}/follow`);
});

afterAll(async () => {
  await a?.close();
});

describe("filters", () => {
  it("warns about a keyword in home, whole words only, but not in other contexts", async () => {
    const created = await a.api(alice.token, "POST", "/api/v2/filters", {
      title: "Spoilers",
      context: ["home"],
      filter_action: "warn",
      keywords_attributes: [{ keyword: "finale", whole_word: true }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ title: "Spoilers", context: ["home"], filter_action: "warn", expires_at: null, statuses: [] });
    expect(created.body.keywords).toEqual([{ id: expect.stringMatching(/^\d+$/), keyword: "finale", whole_word: true }]);

    const match = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "The FINALE was great" });
    const partial = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "finaleyes are not a word" });
    const home = await a.api(alice.token, "GET", "/api/v1/timelines/home");
    const shown = home.body.find((s: { id: string }) => s.id === match.body.id);
    expect(shown.filtered).toEqual([
      {
        filter: { id: created.body.id, title: "Spoilers", context: ["home"], expires_at: null, filter_action: "warn" },
        keyword_matches: ["finale"],
        status_matches: null,
      },
    ]);
    expect(home.body.find((s: { id: string }) => s.id === partial.body.id).filtered).toEqual([]);
    // Public is not a context of this filter.
    const pub = await a.api(alice.token, "GET", "/api/v1/timelines/public");
    expect(pub.body.find((s: { id: string }) => s.id === match.body.id).filtered).toEqual([]);
    // Other people's views are not affected.
    const bobsHome = await a.api(bob.token, "GET", "/api/v1/timelines/home");
    expect(bobsHome.body.find((s: { id: string }) => s.id === match.body.id).filtered).toEqual([]);
  });

  it("hides matching statuses and their notifications with filter_action=hide", async () => {
    const created = await a.api(alice.token, "POST", "/api/v2/filters", {
      title: "No crypto",
      context: ["home", "notifications", "public"],
      filter_action: "hide",
    });
    await a.api(alice.token, "POST", `/api/v2/filters/${created.body.id}/keywords`, { keyword: "crypto", whole_word: false });
    const post = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "@alice buy cryptocurrency now" });
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/home")).body)).not.toContain(post.body.id);
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/public")).body)).not.toContain(post.body.id);
    const notes = await a.api(alice.token, "GET", "/api/v1/notifications");
    expect(notes.body.filter((n: { status?: { id: string } }) => n.status?.id === post.body.id)).toEqual([]);
    // Opening it directly still works, as on Mastodon.
    expect((await a.api(alice.token, "GET", `/api/v1/statuses/${post.body.id}`)).status).toBe(200);

    await a.api(alice.token, "DELETE", `/api/v2/filters/${created.body.id}`);
    expect(ids((await a.api(alice.token, "GET", "/api/v1/timelines/home")).body)).toContain(post.body.id);
  });

  it("filters one status, and removes keywords and statuses again", async () => {
    const post = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "an unremarkable post" });
    const created = await a.api(alice.token, "POST", "/api/v2/filters", { title: "This one", context: ["home"] });
    const filtered = await a.api(alice.token, "POST", `/api/v2/filters/${created.body.id}/statuses`, { status_id: post.body.id });
    expect(filtered.body).toEqual({ id: expect.stringMatching(/^\d+$/), status_id: post.body.id });
    const home = await a.api(alice.token, "GET", "/api/v1/timelines/home");
    expect(home.body.find((s: { id: string }) => s.id === post.body.id).filtered[0].status_matches).toEqual([filtered.body.id]);
    expect((await a.api(alice.token, "GET", `/api/v2/filters/statuses/${filtered.body.id}`)).body).toEqual(filtered.body);
    await a.api(alice.token, "DELETE", `/api/v2/filters/statuses/${filtered.body.id}`);
    expect((await a.api(alice.token, "GET", `/api/v2/filters/${created.body.id}/statuses`)).body).toEqual([]);

    const keyword = await a.api(alice.token, "POST", `/api/v2/filters/${created.body.id}/keywords`, { keyword: "tea" });
    const changed = await a.api(alice.token, "PUT", `/api/v2/filters/keywords/${keyword.body.id}`, { keyword: "coffee", whole_word: "false" });
    expect(changed.body).toEqual({ id: keyword.body.id, keyword: "coffee", whole_word: false });
    const v1 = await a.api(alice.token, "GET", "/api/v1/filters");
    expect(v1.body.map((f: { phrase: string }) => f.phrase)).toContain("coffee");
    const updated = await a.api(alice.token, "PUT", `/api/v2/filters/${created.body.id}`, {
      keywords_attributes: [{ id: keyword.body.id, _destroy: true }],
      title: "Renamed",
    });
    expect(updated.body).toMatchObject({ title: "Renamed", keywords: [] });
  });

  it("stops matching once expired", async () => {
    const created = await a.api(alice.token, "POST", "/api/v2/filters", {
      title: "Brief",
      context: ["home"],
      expires_in: 1,
      keywords_attributes: [{ keyword: "brief" }],
    });
    expect(created.body.expires_at).not.toBeNull();
    const post = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "a brief note" });
    await new Promise((r) => setTimeout(r, 1200));
    const home = await a.api(alice.token, "GET", "/api/v1/timelines/home");
    expect(home.body.find((s: { id: string }) => s.id === post.body.id).filtered).toEqual([]);
  });

  it("refuses bad input with 422 and keeps others' filters out of reach", async () => {
    const before = (await a.api(alice.token, "GET", "/api/v2/filters")).body;
    expect((await a.api(alice.token, "POST", "/api/v2/filters", { title: "x", context: ["everywhere"] })).status).toBe(422);
    expect((await a.api(alice.token, "POST", "/api/v2/filters", { title: "", context: ["home"] })).status).toBe(422);
    expect((await a.api(alice.token, "POST", "/api/v2/filters", { title: "x", context: ["home"], filter_action: "explode" })).status).toBe(422);
    expect((await a.api(alice.token, "POST", "/api/v2/filters", { title: "x", context: ["home"], keywords_attributes: [{ keyword: " " }] })).status).toBe(422);
    expect((await a.api(alice.token, "GET", "/api/v2/filters")).body).toEqual(before);
    const mine = before[0];
    expect((await a.api(bob.token, "GET", `/api/v2/filters/${mine.id}`)).status).toBe(404);
    expect((await a.api(bob.token, "DELETE", `/api/v2/filters/${mine.id}`)).status).toBe(404);
    expect((await a.api(alice.token, "GET", `/api/v2/filters/${mine.id}`)).status).toBe(200);
  });
});
