// Polls across instances with the client libraries apps use: alice (A)
// creates a poll with masto.js, bob (B) follows her, sees it and votes with
// megalodon; A counts the vote once and sends the new counts back; when the
// poll ends, voters and the author get a `poll` notification. A hostile peer
// tries forged, repeated, invalid and late votes, and a vote on a poll it
// may not see.
import { createRestAPIClient } from "masto";
import generator from "megalodon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let alice: TestUser;
let bob: TestUser;
let eve: { uri: string; keyId: string };
let poll: { id: string; uri: string };

const votesOnA = async () =>
  (await a.api(alice.token, "GET", `/api/v1/polls/${poll.id}`)).body as {
    votes_count: number;
    voters_count: number;
    options: Array<{ votes_count: number }>;
    expired: boolean;
  };

function vote(id: string, voter: string, name: string, pollUri: string, to: string) {
  return {
    "@context": AS_CONTEXT,
    id: `${id}/activity`,
    type: "Create",
    actor: voter,
    to: [to],
    object: { id, type: "Note", attributedTo: voter, name, inReplyTo: pollUri, to: [to] },
  };
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startHostilePeer();
  alice = await a.user("alice");
  bob = await b.user("bob");
  eve = await peer.addActor("eve");
  const found = await b.api(bob.token, "GET", `/api/v2/search?q=${encodeURIComponent(`alice@${a.host}`)}&resolve=true&type=accounts`);
  await b.api(bob.token, "POST", `/api/v1/accounts/${found.body.accounts[0].id}/follow`);
  await eventually(async () => (await b.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${found.body.accounts[0].id}`)).body[0]?.following === true);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("polls across instances", () => {
  it("is created with masto.js, voted on from another instance with megalodon, and counted on both", async () => {
    const masto = createRestAPIClient({ url: a.origin, accessToken: alice.token });
    const status = await masto.v1.statuses.create({ status: "Which supplier for Q3?", poll: { options: ["Acme", "Globex", "Initech"], expiresIn: 3600 } });
    expect(status.poll?.options.map((o) => o.title)).toEqual(["Acme", "Globex", "Initech"]);
    expect(status.poll?.multiple).toBe(false);
    poll = { id: status.poll!.id, uri: status.uri };

    const client = generator("mastodon", b.origin, bob.token);
    const onB = await eventually(async () => {
      const home = await client.getHomeTimeline();
      return home.data.find((s) => s.uri === poll.uri) ?? null;
    }).then((s) => s!);
    expect(onB.poll?.options.map((o) => o.title)).toEqual(["Acme", "Globex", "Initech"]);
    expect(onB.poll?.voted).toBe(false);

    const voted = await client.votePoll(onB.poll!.id, [1]);
    expect(voted.data.voted).toBe(true);
    expect((voted.data as { own_votes?: number[] }).own_votes).toEqual([1]);
    // Counted once at the poll's home…
    await eventually(async () => (await votesOnA()).votes_count === 1);
    expect((await votesOnA()).options.map((o) => o.votes_count)).toEqual([0, 1, 0]);
    // …whose new counts come back to the voter's instance.
    await eventually(async () => (await client.getPoll(onB.poll!.id)).data.options[1]?.votes_count === 1);

    // A second vote is refused, here as on Mastodon.
    const again = await b.api(bob.token, "POST", `/api/v1/polls/${onB.poll!.id}/votes`, { choices: [0] });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatch(/already voted/);
  });

  it("counts honest votes from a peer once, and refuses forged, invalid and unseen ones", async () => {
    const inbox = `${a.origin}/users/alice/inbox`;
    const honest = vote(`${peer.origin}/votes/1`, eve.uri, "Acme", poll.uri, alice.uri);
    expect((await peer.post(inbox, honest, eve.keyId)).status).toBe(202);
    await eventually(async () => (await votesOnA()).options[0]?.votes_count === 1);
    // The same vote again, and a second choice in a one-choice poll: no change.
    await peer.post(inbox, { ...honest, id: `${peer.origin}/votes/1b/activity` }, eve.keyId);
    await peer.post(inbox, vote(`${peer.origin}/votes/2`, eve.uri, "Initech", poll.uri, alice.uri), eve.keyId);
    // An option the poll does not have.
    await peer.post(inbox, vote(`${peer.origin}/votes/3`, eve.uri, "Hooli", poll.uri, alice.uri), eve.keyId);
    // A vote in bob's name, signed by eve.
    await peer.post(inbox, vote(`${peer.origin}/votes/4`, bob.uri, "Initech", poll.uri, alice.uri), eve.keyId);
    // Each honestly signed one was processed (recorded once, counted or not); none changed a count.
    // (The forged one is refused at the trust gate; the last test checks it never counted.)
    await eventually(async () => {
      const seen = await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "like", `${peer.origin}/votes/%`).execute();
      return seen.length >= 4;
    });
    const after = await votesOnA();
    expect(after.options.map((o) => o.votes_count)).toEqual([1, 1, 0]);
    expect(after.voters_count).toBe(2);

    // A followers-only poll: eve does not follow alice and may not vote in it.
    const secret = await a.api(alice.token, "POST", "/api/v1/statuses", {
      status: "Followers: budget?",
      visibility: "private",
      poll: { options: ["Up", "Down"], expires_in: 600 },
    });
    expect(secret.status).toBe(200);
    await peer.post(inbox, vote(`${peer.origin}/votes/5`, eve.uri, "Up", secret.body.uri, alice.uri), eve.keyId);
    // Refused before it is recorded (eve may not see the post): wait until an honest vote sent after it is in.
    await peer.post(inbox, vote(`${peer.origin}/votes/5b`, eve.uri, "Acme", poll.uri, alice.uri), eve.keyId);
    await eventually(
      async () =>
        (await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", `${peer.origin}/votes/5b/activity`).execute())
          .length === 1,
    );
    expect((await a.api(alice.token, "GET", `/api/v1/polls/${secret.body.id}`)).body.votes_count).toBe(0);
  });

  it("closes at its end: notifies voters and the author, refuses late votes, and tells the voter's instance", async () => {
    // The end comes now rather than in an hour (the closing job runs every few seconds).
    await a.app.ctx.db
      .updateTable("polls")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("post_id", "=", poll.id)
      .execute();
    const notified = async (instance: TestInstance, token: string) =>
      (await instance.api(token, "GET", "/api/v1/notifications?types[]=poll")).body.some(
        (n: { type: string; status: { uri: string } }) => n.type === "poll" && n.status.uri === poll.uri,
      );
    await eventually(() => notified(a, alice.token), 30_000);
    expect((await votesOnA()).expired).toBe(true);

    await peer.post(`${a.origin}/users/alice/inbox`, vote(`${peer.origin}/votes/6`, eve.uri, "Globex", poll.uri, alice.uri), eve.keyId);
    await eventually(
      async () =>
        (await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", `${peer.origin}/votes/6/activity`).execute())
          .length === 1,
    );
    expect((await votesOnA()).options.map((o) => o.votes_count)).toEqual([1, 1, 0]);

    const client = generator("mastodon", b.origin, bob.token);
    const onB = (await client.getHomeTimeline()).data.find((s) => s.uri === poll.uri)!;
    await eventually(async () => (await client.getPoll(onB.poll!.id)).data.expired, 30_000);
    // bob's own instance closes its copy at the same end and tells him.
    await eventually(() => notified(b, bob.token), 30_000);
  }, 90_000);
});
