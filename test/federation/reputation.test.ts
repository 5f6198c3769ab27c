// Reputation across three companies: Globex's Bea helps Acme's people and
// has an answer accepted; three Initech accounts like each other's posts in a
// ring. The ring does not outrank honest cross-company support, and it is
// flagged to the group's moderators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reputationLevel } from "../../src/domain/reputation.rules.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser;
let ann: TestUser;
let bea: TestUser;
let ring: TestUser[];
const handle = () => `@forum@${a.host}`;
const group = () => encodeURIComponent(handle());

async function join(instance: TestInstance, user: TestUser) {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
}

async function idOn(instance: TestInstance, user: TestUser, uri: string): Promise<string> {
  return eventually(async () => {
    const listed = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/posts`);
    const id = listed.body.items?.find((p: { uri: string }) => p.uri === uri)?.id as string | undefined;
    if (!id) throw new Error(`${uri} not on ${instance.host} yet`);
    return id;
  });
}

async function post(instance: TestInstance, user: TestUser, content: string): Promise<string> {
  const created = await instance.api(user.token, "POST", "/api/ecotone/v1/posts", { group: handle(), content });
  expect(created.status).toBe(201);
  return created.body.uri as string;
}

async function like(instance: TestInstance, user: TestUser, uri: string) {
  const id = await idOn(instance, user, uri);
  expect((await instance.api(user.token, "POST", `/api/ecotone/v1/posts/${id}/like`)).status).toBe(200);
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  olga = await a.user("olga");
  ann = await a.user("ann");
  bea = await b.user("bea");
  ring = [await c.user("r1"), await c.user("r2"), await c.user("r3")];
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "forum", name: "Forum" })).status).toBe(201);
  await join(a, ann);
  await join(b, bea);
  for (const r of ring) await join(c, r);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("reputation", () => {
  it("ranks honest cross-company support above a ring of one company's accounts, and explains why", async () => {
    const question = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { kind: "question", group: "forum", content: "How do I rotate the API key?" });
    expect(question.status).toBe(201);
    const answer = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", {
      inReplyTo: await idOn(b, bea, question.body.uri),
      content: "Admin → Keys → Rotate",
    });
    expect(answer.status).toBe(201);
    await eventually(async () => {
      const accepted = await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${question.body.id}/accept`, { answer: answer.body.uri });
      expect(accepted.status).toBe(200);
      return true;
    });
    const tip = await post(b, bea, "Tip: the CLI can rotate keys too");
    await like(a, olga, tip);
    await like(a, ann, tip);

    const ringPosts = new Map<TestUser, string[]>();
    for (const r of ring)
      ringPosts.set(r, [await post(c, r, `${r.username} one`), await post(c, r, `${r.username} two`), await post(c, r, `${r.username} three`)]);
    for (const liker of ring) for (const [author, uris] of ringPosts) if (author !== liker) for (const uri of uris) await like(c, liker, uri);

    const ranked = await eventually(async () => {
      const r = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/forum/reputation");
      expect(r.status).toBe(200);
      // Every like of the ring has arrived, and none of them counted.
      const discounted = ring.map((m) => r.body.find((e: { actor: { username: string } }) => e.actor.username === m.username)?.ringDiscounted);
      expect(discounted).toEqual([6, 6, 6]);
      return r.body as Array<{
        actor: { username: string; domain: string };
        score: number;
        level: string;
        reasons: Array<{ kind: string; count: number; points: number }>;
      }>;
    }, 60_000);
    expect(ranked[0]!.actor).toMatchObject({ username: "bea", domain: b.host });
    const beaEntry = ranked[0]!;
    expect(beaEntry.reasons.find((x) => x.kind === "acceptedAnswer")).toMatchObject({ count: 1, points: 5 });
    expect(beaEntry.reasons.find((x) => x.kind === "likes_other_organizations")?.count).toBe(2);
    expect(beaEntry.level).toBe(reputationLevel(beaEntry.score));
    expect(beaEntry.level).toBe("contributor");
    // The experts of the group's questions carry the same level (accepted answers count to both).
    const experts = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/forum/experts");
    expect(experts.body.items[0]).toMatchObject({ actor: { username: "bea" }, acceptedAnswers: 1, level: "contributor" });
    for (const r of ranked.filter((e) => e.actor.domain === c.host)) {
      expect(r.score).toBe(0);
      expect(r.level).toBe("newcomer");
    }
  }, 180_000);

  it("flags the ring to the group's moderators only", async () => {
    const rings = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/forum/reputation/rings");
    expect(rings.status).toBe(200);
    const pairs = rings.body
      .map((r: { actors: Array<{ username: string }> }) =>
        r.actors
          .map((x) => x.username)
          .sort()
          .join("+"),
      )
      .sort();
    expect(pairs).toEqual(["r1+r2", "r1+r3", "r2+r3"]);
    expect(rings.body[0].endorsements).toBe(6);
    const member = await a.api(ann.token, "GET", "/api/ecotone/v1/groups/forum/reputation/rings");
    expect(member.status).toBe(403);
    const stranger = await a.api(null, "GET", "/api/ecotone/v1/groups/forum/reputation/rings");
    expect(stranger.status).toBe(401);
  });
});
