// Findings 44 and 45: what someone keeps after their right to read or their
// membership ended. Two real instances: alice, carol, dave and the group's
// owner on A; bob and gina on B.
//
// 44: a poll's new counts went to every past voter's server, whoever may still
// read it; voters are now filtered by the one visibility rule (`mayRead` in
// src/federation/recipients.ts, used by poll.outbox.ts and post.outbox.ts).
// 45: a remote moderator who left kept the role and had it again on rejoining;
// every way out now ends the membership in one place (`endMembership` in
// src/services/groups/membership.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let carol: TestUser;
let dave: TestUser;
let owner: TestUser;
let eric: TestUser;
let bob: TestUser;
let gina: TestUser;

async function accountId(instance: TestInstance, token: string, acct: string): Promise<string> {
  const found = await instance.api(token, "GET", `/api/v2/search?q=${encodeURIComponent(acct)}&resolve=true&type=accounts`);
  return found.body.accounts[0].id;
}

async function follow(instance: TestInstance, user: TestUser, acct: string): Promise<void> {
  const id = await accountId(instance, user.token, acct);
  await instance.api(user.token, "POST", `/api/v1/accounts/${id}/follow`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/v1/accounts/relationships?id[]=${id}`)).body[0]?.following === true);
}

/** The poll's total as B last heard it. */
async function totalOnB(uri: string): Promise<number> {
  const row = await b.app.ctx.db
    .selectFrom("polls")
    .innerJoin("posts", "posts.id", "polls.post_id")
    .select("polls.remote_counts")
    .where("posts.uri", "=", uri)
    .executeTakeFirst();
  return (row?.remote_counts ?? []).reduce((sum, n) => sum + n, 0);
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  carol = await a.user("carol");
  dave = await a.user("dave");
  owner = await a.user("owner");
  eric = await a.user("eric");
  bob = await b.user("bob");
  gina = await b.user("gina");
  await follow(b, bob, `alice@${a.host}`);
  await follow(a, carol, `alice@${a.host}`);
  await follow(a, dave, `alice@${a.host}`);
  // Gina follows eric, not alice: eric's posts tell us when A's deliveries to B have caught up.
  await follow(b, gina, `eric@${a.host}`);
}, 240_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("finding 44: a poll's updates reach only voters who may still read it", () => {
  it("a removed follower's server gets no more counts of a followers-only poll; until then it did", async () => {
    const status = await a.api(alice.token, "POST", "/api/v1/statuses", {
      status: "Followers only: which supplier?",
      visibility: "private",
      poll: { options: ["Acme", "Globex"], expires_in: 3600 },
    });
    expect(status.status).toBe(200);
    const uri: string = status.body.uri;
    const onB = await eventually(async () => (await b.api(bob.token, "GET", "/api/v1/timelines/home")).body.find((s: { uri: string }) => s.uri === uri));
    expect((await b.api(bob.token, "POST", `/api/v1/polls/${onB.poll.id}/votes`, { choices: [1] })).status).toBe(200);
    await eventually(async () => (await totalOnB(uri)) === 1);

    // Control: while bob may read it, a later vote's counts reach B.
    expect((await a.api(carol.token, "POST", `/api/v1/polls/${status.body.poll.id}/votes`, { choices: [0] })).status).toBe(200);
    await eventually(async () => (await totalOnB(uri)) === 2);

    // Alice removes bob from her followers: he may no longer read the post.
    const bobOnA = await accountId(a, alice.token, bob.handle.slice(1));
    expect((await a.api(alice.token, "POST", `/api/v1/accounts/${bobOnA}/remove_from_followers`)).status).toBe(200);
    expect((await a.api(dave.token, "POST", `/api/v1/polls/${status.body.poll.id}/votes`, { choices: [0] })).status).toBe(200);
    // A public post sent after the vote reaches B: the Update, had it been sent, would have arrived by then.
    const later = await a.api(eric.token, "POST", "/api/v1/statuses", { status: "Public, after the vote", visibility: "public" });
    await eventually(async () => b.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", later.body.uri).executeTakeFirst());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await totalOnB(uri)).toBe(2);
  }, 120_000);
});

describe("finding 45: a remote moderator's role ends with the membership", () => {
  const crew = () => encodeURIComponent(`@crew@${a.host}`);
  const roleOnA = async (handle: string) =>
    (await a.api(owner.token, "GET", "/api/ecotone/v1/groups/crew/members")).body.items.find((m: { actor: { handle: string } }) => m.actor.handle === handle)
      ?.role;

  it("a moderator on B who leaves and rejoins is an ordinary member", async () => {
    expect((await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "crew", visibility: "public", joinPolicy: "open" })).status).toBe(201);
    await eventually(async () => (await b.api(gina.token, "POST", `/api/ecotone/v1/groups/${crew()}/join`)).status < 300);
    await eventually(async () => (await roleOnA(gina.handle)) !== undefined);
    // Control: the role is granted and shown while she is a member.
    expect((await a.api(owner.token, "POST", "/api/ecotone/v1/groups/crew/roles", { target: gina.handle, role: "moderator" })).status).toBe(204);
    expect(await roleOnA(gina.handle)).toBe("moderator");

    // She leaves from B (an Undo(Follow) reaches A), then joins again.
    expect((await b.api(gina.token, "POST", `/api/ecotone/v1/groups/${crew()}/leave`)).status).toBeLessThan(300);
    await eventually(async () => (await roleOnA(gina.handle)) === undefined);
    await eventually(async () => (await b.api(gina.token, "POST", `/api/ecotone/v1/groups/${crew()}/join`)).status < 300);
    await eventually(async () => (await roleOnA(gina.handle)) !== undefined);
    expect(await roleOnA(gina.handle)).toBe("member");
  }, 120_000);
});
