// An idea board across three instances: a member on B proposes, members on
// A, B and C vote (once each, members only), the owning company on A answers
// with a status and a reason, and every voter hears of it on their instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser;
let bea: TestUser;
let cid: TestUser;
let drifter: TestUser;
const group = () => encodeURIComponent(`@feedback@${a.host}`);

async function join(instance: TestInstance, user: TestUser) {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  olga = await a.user("olga");
  bea = await b.user("bea");
  cid = await c.user("cid");
  drifter = await a.user("drifter");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "feedback", name: "Customer feedback" });
  await join(b, bea);
  await join(c, cid);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("ideas that close the loop", () => {
  let ideaUri: string;

  it("counts one vote per member from three instances, and none from non-members", async () => {
    const proposed = await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${group()}/ideas`, {
      title: "Export orders as CSV",
      content: "We re-key every order into our ERP.",
    });
    expect(proposed.status).toBe(201);
    ideaUri = proposed.body.post.uri;

    const idOn = async (instance: TestInstance, user: TestUser) =>
      (
        await eventually(async () => {
          const board = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/ideas`);
          return board.body.items.find((i: { title: string }) => i.title === "Export orders as CSV");
        })
      ).id as string;
    const onA = await idOn(a, olga);
    const onC = await idOn(c, cid);

    await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${onA}/vote`);
    await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${onA}/vote`); // twice: counts once
    await b.api(bea.token, "POST", `/api/ecotone/v1/ideas/${proposed.body.post.id}/vote`);
    await c.api(cid.token, "POST", `/api/ecotone/v1/ideas/${onC}/vote`);
    // Not a member: no vote.
    expect((await a.api(drifter.token, "POST", `/api/ecotone/v1/ideas/${onA}/vote`)).status).toBe(403);

    await eventually(async () => (await a.api(olga.token, "GET", `/api/ecotone/v1/ideas/${onA}`)).body.votes === 3);
    const ranked = await a.api(olga.token, "GET", `/api/ecotone/v1/groups/feedback/ideas?sort=momentum&q=csv`);
    expect(ranked.body.items.map((i: { title: string }) => i.title)).toEqual(["Export orders as CSV"]);
    expect(ranked.body.items[0].momentum).toBeGreaterThan(2.9);
  });

  it("answers with a status and a reason that reach every voter on every instance", async () => {
    const board = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/feedback/ideas");
    const id = board.body.items[0].id;
    const answered = await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${id}/status`, {
      status: "planned",
      reason: "Shipping in the March release",
    });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe("planned");
    expect(answered.body.history.map((h: { status: string }) => h.status)).toEqual(["planned"]);

    for (const [instance, user] of [
      [b, bea],
      [c, cid],
    ] as const) {
      const idea = await eventually(async () => {
        const list = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/ideas`);
        const found = list.body.items.find((i: { title: string }) => i.title === "Export orders as CSV");
        return found?.status === "planned" ? found : null;
      });
      expect(idea.reason).toBe("Shipping in the March release");
      await eventually(async () => {
        const notes = await instance.api(user.token, "GET", "/api/v1/notifications?types[]=mention");
        return notes.body.some((n: { status: { content: string } }) => n.status.content.includes("Shipping in the March release"));
      });
    }
    // The idea and its answer are in one thread.
    const thread = await a.api(olga.token, "GET", `/api/ecotone/v1/posts/${id}/thread`);
    expect(thread.body.items.map((p: { threadUri: string }) => p.threadUri)).toEqual([ideaUri, ideaUri]);
  });

  it("refuses an answer from someone who is not a moderator", async () => {
    const board = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/feedback/ideas");
    const res = await a.api(drifter.token, "POST", `/api/ecotone/v1/ideas/${board.body.items[0].id}/status`, { status: "declined" });
    expect(res.status).toBe(403);
  });

  it("shows the home's total on every instance, and a voter who leaves takes their vote", async () => {
    const votesOn = async (instance: TestInstance, user: TestUser, path = `/api/ecotone/v1/groups/${group()}/ideas`) =>
      (await instance.api(user.token, "GET", path)).body.items.find((i: { title: string }) => i.title === "Export orders as CSV")?.votes;
    // B holds only bea's membership: olga's and cid's relayed votes count because the home lists them.
    await eventually(async () => (await votesOn(b, bea)) === 3 && (await votesOn(c, cid)) === 3);
    expect((await c.api(cid.token, "POST", `/api/ecotone/v1/groups/${group()}/leave`)).status).toBeLessThan(300);
    await eventually(async () => (await votesOn(a, olga, "/api/ecotone/v1/groups/feedback/ideas")) === 2);
  });
});
