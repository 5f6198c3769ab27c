// Polls through the Mastodon API on one instance: created from JSON and from
// a form, refused with a clear 422 (and nothing posted) when malformed,
// voted on with Mastodon's rules, totals hidden until the end when asked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

const homeIds = async () => (await a.api(alice.token, "GET", "/api/v1/timelines/home")).body.map((s: { id: string }) => s.id);

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  carol = await a.user("carol");
});

afterAll(async () => {
  await a?.close();
});

describe("creating", () => {
  it("takes a poll as JSON or as a form, and says so in the instance's limits", async () => {
    const json = await a.api(alice.token, "POST", "/api/v1/statuses", {
      status: "Lunch?",
      poll: { options: ["pizza", "salad"], expires_in: 3600, multiple: true },
    });
    expect(json.status).toBe(200);
    expect(json.body.poll).toMatchObject({
      id: json.body.id,
      multiple: true,
      expired: false,
      votes_count: 0,
      options: [
        { title: "pizza", votes_count: 0 },
        { title: "salad", votes_count: 0 },
      ],
    });
    const form = await fetch(`${a.origin}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "status=Dinner%3F&poll[options][]=soup&poll[options][]=stew&poll[expires_in]=600&poll[hide_totals]=true",
    });
    expect(form.status).toBe(200);
    const body = await form.json();
    expect(body.poll.options.map((o: { title: string }) => o.title)).toEqual(["soup", "stew"]);
    expect(new Date(body.poll.expires_at).getTime() - Date.now()).toBeGreaterThan(500_000);
    const instance = (await a.api(null, "GET", "/api/v2/instance")).body;
    expect(instance.configuration.polls).toEqual({ max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 });
    // Apps that send `"poll": null` with every status post normally.
    expect((await a.api(alice.token, "POST", "/api/v1/statuses", { status: "no poll here", poll: null })).body.poll).toBeNull();
  });

  it("refuses a malformed poll with a 422 that says what to change, and posts nothing", async () => {
    const before = await homeIds();
    const cases: Array<[unknown, RegExp]> = [
      [{ options: ["only one"], expires_in: 3600 }, /2 to 4 options/],
      [{ options: ["a", "b", "c", "d", "e"], expires_in: 3600 }, /2 to 4 options/],
      [{ options: ["a", ""], expires_in: 3600 }, /blank/],
      [{ options: ["a", "x".repeat(51)], expires_in: 3600 }, /50 characters/],
      [{ options: ["a", "a"], expires_in: 3600 }, /different/],
      [{ options: ["a", "b"], expires_in: 60 }, /expires_in/],
      [{ options: ["a", "b"] }, /expires_in/],
    ];
    for (const [poll, message] of cases) {
      const res = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Vote!", poll });
      expect(res.status, JSON.stringify(poll)).toBe(422);
      expect(res.body.error).toMatch(message);
    }
    // Shapes no app sends are refused by the route's schema, naming the field.
    const shape = await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Vote!", poll: { options: "a,b", expires_in: 3600 } });
    expect(shape.status).toBe(422);
    expect(shape.body.error).toMatch(/poll\.options/);
    expect(await homeIds()).toEqual(before);
  });
});

describe("voting", () => {
  it("follows Mastodon's rules: not one's own poll, valid choices, one choice unless multiple, once", async () => {
    const single = (await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Venue?", poll: { options: ["Hall", "Park", "Roof"], expires_in: 3600 } }))
      .body;
    const vote = (token: string, choices: unknown) => a.api(token, "POST", `/api/v1/polls/${single.id}/votes`, { choices });
    expect((await vote(alice.token, [0])).body.error).toMatch(/own poll/);
    expect((await vote(bob.token, [3])).body.error).toMatch(/from 0 to 2/);
    expect((await vote(bob.token, ["x"])).status).toBe(422);
    expect((await vote(bob.token, [])).status).toBe(422);
    expect((await vote(bob.token, { first: 0 })).body.error).toMatch(/choices/);
    expect((await vote(bob.token, [0, 1])).body.error).toMatch(/one choice/);
    expect((await a.api(alice.token, "GET", `/api/v1/polls/${single.id}`)).body.votes_count).toBe(0);

    const ok = await vote(bob.token, [2]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ voted: true, own_votes: [2], votes_count: 1, voters_count: 1 });
    expect((await vote(bob.token, [1])).body.error).toMatch(/already voted/);
    const status = (await a.api(bob.token, "GET", `/api/v1/statuses/${single.id}`)).body;
    expect(status.poll.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([0, 0, 1]);
    expect((await a.api(null, "POST", `/api/v1/polls/${single.id}/votes`, { choices: [0] })).status).toBe(401);
  });

  it("hides totals until the end when asked, except from the author", async () => {
    const hidden = (
      await a.api(alice.token, "POST", "/api/v1/statuses", {
        status: "Secret ballot",
        poll: { options: ["yes", "no"], expires_in: 3600, hide_totals: true, multiple: true },
      })
    ).body;
    const voted = await a.api(bob.token, "POST", `/api/v1/polls/${hidden.id}/votes`, { choices: [0, 1] });
    expect(voted.body.own_votes).toEqual([0, 1]);
    expect(voted.body.options.map((o: { votes_count: number | null }) => o.votes_count)).toEqual([null, null]);
    expect((await a.api(alice.token, "GET", `/api/v1/polls/${hidden.id}`)).body.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([1, 1]);
    // Other servers are not told the hidden totals before the end either.
    const federated = async () =>
      (
        (await (await fetch(hidden.uri, { headers: { accept: "application/activity+json" } })).json()) as { anyOf: Array<{ replies: { totalItems: number } }> }
      ).anyOf.map((o) => o.replies.totalItems);
    expect(await federated()).toEqual([0, 0]);
    await a.app.ctx.db
      .updateTable("polls")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("post_id", "=", hidden.id)
      .execute();
    const ended = (await a.api(carol.token, "GET", `/api/v1/polls/${hidden.id}`)).body;
    expect(ended).toMatchObject({ expired: true, voted: false });
    expect(ended.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([1, 1]);
    expect(await federated()).toEqual([1, 1]);
    expect((await a.api(carol.token, "POST", `/api/v1/polls/${hidden.id}/votes`, { choices: [0] })).body.error).toMatch(/already ended/);
  });

  it("counts one vote of a person who sends two at once", async () => {
    const single = (await a.api(alice.token, "POST", "/api/v1/statuses", { status: "Lunch?", poll: { options: ["pizza", "salad"], expires_in: 3600 } })).body;
    const answers = await Promise.all([0, 1].map((choice) => a.api(bob.token, "POST", `/api/v1/polls/${single.id}/votes`, { choices: [choice] })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
    const poll = (await a.api(alice.token, "GET", `/api/v1/polls/${single.id}`)).body;
    expect(poll.votes_count).toBe(1);
    expect(poll.voters_count).toBe(1);
  });

  it("is not there for someone who may not see the post", async () => {
    const secret = (
      await a.api(alice.token, "POST", "/api/v1/statuses", { status: "@bob just us", visibility: "direct", poll: { options: ["a", "b"], expires_in: 3600 } })
    ).body;
    expect((await a.api(carol.token, "GET", `/api/v1/polls/${secret.id}`)).status).toBe(404);
    expect((await a.api(carol.token, "POST", `/api/v1/polls/${secret.id}/votes`, { choices: [0] })).status).toBe(404);
    expect((await a.api(bob.token, "POST", `/api/v1/polls/${secret.id}/votes`, { choices: [0] })).status).toBe(200);
    expect((await a.api(bob.token, "GET", "/api/v1/polls/0000000000000000000")).status).toBe(404);
  });
});
