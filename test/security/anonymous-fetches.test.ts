// Finding 25: an anonymous caller could make this server fetch any remote
// actor and store it (`/api/v1/accounts/lookup`, and every Ecotone group route
// through `findGroup`). Now only signed-in callers make us fetch; an anonymous
// one gets the accounts and groups we know, and 404 for the rest, with nothing
// stored. Two real instances: `a` is asked about accounts of `b`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let olga: TestUser;
let zoe: TestUser;

/** The actors `a` has stored from `b`. */
async function storedFromB(): Promise<string[]> {
  const rows = await a.app.ctx.db.selectFrom("actors").select("uri").where("uri", "like", `${b.origin}/%`).execute();
  return rows.map((r) => r.uri).sort();
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  olga = await a.user("olga");
  zoe = await b.user("zoe");
  await b.user("yann");
  const group = await b.api(zoe.token, "POST", "/api/ecotone/v1/groups", { slug: "yard", name: "Yard", visibility: "public", joinPolicy: "open" });
  expect(group.status).toBe(201);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe("finding 25: only signed-in callers make the server fetch", () => {
  it("an anonymous account lookup of an unknown remote handle is 404 and stores nothing; signed in, it resolves", async () => {
    const acct = `zoe@${b.host}`;
    const anonymous = await a.api(null, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
    expect(anonymous.status).toBe(404);
    expect(await storedFromB()).toEqual([]);

    const signedIn = await a.api(olga.token, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ username: "zoe", acct });
    expect(await storedFromB()).toEqual([zoe.uri]);
    // Known now, so an anonymous caller finds it too (it costs no fetch).
    expect((await a.api(null, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`)).status).toBe(200);
    // Another unknown one is still refused to strangers.
    expect((await a.api(null, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(`yann@${b.host}`)}`)).status).toBe(404);
    expect(await storedFromB()).toEqual([zoe.uri]);
  });

  it("an anonymous Ecotone group read of an unknown remote group is 404 and stores nothing; signed in, it resolves", async () => {
    const before = await storedFromB();
    for (const ref of [`@yard@${b.host}`, `${b.origin}/users/yard`]) {
      const anonymous = await a.api(null, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(ref)}`);
      expect([ref, anonymous.status]).toEqual([ref, 404]);
      expect((await a.api(null, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(ref)}/posts`)).status).toBe(404);
    }
    expect(await storedFromB()).toEqual(before);

    const signedIn = await a.api(olga.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@yard@${b.host}`)}`);
    expect(signedIn.status).toBe(200);
    expect(JSON.stringify(signedIn.body)).toContain("yard");
    expect((await storedFromB()).length).toBe(before.length + 1);
    // Known now: the group's public page reads without a token.
    expect((await a.api(null, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@yard@${b.host}`)}`)).status).toBe(200);
  });
});
