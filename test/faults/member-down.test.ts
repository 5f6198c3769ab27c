// Faults: a member instance that is down for a while gets everything that
// happened in its groups once it answers again, and each thing once.
//
// test/federation/delivery.test.ts already shows one post made while an
// instance was down arriving after its restart. Here B is down through
// several failed attempts per activity. After a short outage the ordinary
// retries bring everything. After a longer one (ten failures in ten minutes)
// Fedify's circuit breaker opens and holds B's activities for its recovery
// delay (5 minutes, src/federation/federation.ts) even after B is back; the
// test shows they are held, fast-forwards that wait, and checks that the
// posts and a reply from a third instance all arrive, each once.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let owner: TestUser;
let bea: TestUser;
let cy: TestUser;
const GROUP = () => encodeURIComponent(`@partners@${a.host}`);

async function groupPosts(instance: TestInstance, user: TestUser) {
  const res = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${GROUP()}/posts`);
  if (res.status !== 200) throw new Error(`posts: ${res.status}`);
  return res.body.items as Array<{ id: string; uri: string; contentHtml: string; likeCount?: number; likesCount?: number }>;
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  owner = await a.user("owner");
  bea = await b.user("bea");
  cy = await c.user("cy");
  expect((await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "partners", joinPolicy: "open", visibility: "members_only" })).status).toBe(201);
  for (const [instance, user] of [
    [b, bea],
    [c, cy],
  ] as const) {
    const res = await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${GROUP()}/join`);
    expect([200, 202]).toContain(res.status);
  }
  await eventually(async () => (await a.api(owner.token, "GET", "/api/ecotone/v1/groups/partners/members")).body.items.length === 3);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

/** Outbox messages on A waiting for B's inbox. */
async function queuedForB() {
  const rows = await a.app.ctx.db.selectFrom("fedify_queue").select(["id", "message", "available_at"]).where("queue", "=", "outbox").execute();
  return rows.filter((r) => JSON.stringify(r.message).includes(`//${b.host}/`));
}

/** Posts (and replies) by URI on B: each must be there exactly once. */
async function expectOnceOnB(uris: string[]) {
  await eventually(async () => {
    const rows = await b.app.ctx.db.selectFrom("posts").select("uri").where("uri", "in", uris).execute();
    return uris.every((uri) => rows.some((r) => r.uri === uri));
  }, 20_000);
  for (const uri of uris) {
    const rows = await b.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", uri).execute();
    expect([uri, rows.length]).toEqual([uri, 1]);
  }
}

describe("a member instance that was down", () => {
  // The long outage runs first: once a host has recovered, A's circuit
  // breaker no longer opens for it (a bug in the key-value store, see
  // test/faults/circuit-breaker-state.test.ts), so the order matters.
  // Edits and likes are left out here: released from the breaker's hold
  // they may overtake their post, and are then lost (a known bug, see
  // test/faults/out-of-order.test.ts).
  it("after a long outage, holds everything (circuit breaker open), then delivers all of it once", async () => {
    const before = await eventually(() => groupPosts(b, bea));
    await b.stop();

    const made: string[] = [];
    for (const content of ["Long outage: one", "Long outage: two", "Long outage: three"]) {
      const res = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "partners", content });
      expect(res.status).toBe(201);
      made.push(res.body.uri);
    }
    // C is not held up by B's outage: it sees the first post and replies.
    const onC = await eventually(async () => (await groupPosts(c, cy)).find((p) => p.uri === made[0]));
    const reply = await c.api(cy.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onC!.id, content: "Reply from C during the long outage" });
    expect(reply.status).toBe(201);

    // Ten failures within ten minutes open A's circuit breaker for B: what
    // is left is held for the recovery delay (5 minutes) instead of being
    // retried, even once B is back.
    await eventually(
      async () => {
        const db = a.app.ctx.db;
        const unsent = await db.selectFrom("outbox_events").select("id").where("processed_at", "is", null).execute();
        const fanout = await db.selectFrom("fedify_queue").select("id").where("queue", "=", "fanout").execute();
        const queued = await queuedForB();
        return (
          unsent.length === 0 && fanout.length === 0 && queued.length > 0 && queued.every((q) => new Date(q.available_at).getTime() > Date.now() + 4 * 60_000)
        );
      },
      20_000,
      250,
    );
    await b.start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await queuedForB()).length).toBeGreaterThan(0);

    // Fast-forward past the recovery delay: forget the breaker's state and
    // make the held messages due now (what five minutes of waiting would do).
    const circuit = await a.app.ctx.db.selectFrom("fedify_kv").select("key").execute();
    const forB = circuit.filter((row) => row.key.includes(b.host) && row.key.some((part) => /circuit/i.test(part)));
    expect(forB.length).toBeGreaterThan(0);
    for (const row of forB)
      await a.app.ctx.db
        .deleteFrom("fedify_kv")
        .where("key", "=", sql<string[]>`${row.key}::text[]`)
        .execute();
    const held = (await queuedForB()).map((q) => q.id);
    await a.app.ctx.db.updateTable("fedify_queue").set({ available_at: new Date() }).where("id", "in", held).execute();

    const expected = [...made, reply.body.uri as string];
    await expectOnceOnB(expected);
    // bea sees the posts in the group, and C's reply in the first one's thread.
    const seen = await groupPosts(b, bea);
    expect(seen.length).toBe(before.length + made.length);
    const thread = await b.api(bea.token, "GET", `/api/ecotone/v1/posts/${seen.find((p) => p.uri === made[0])!.id}/thread`);
    expect(thread.body.items.map((p: { uri: string }) => p.uri)).toContain(reply.body.uri);
    // Nothing for B is left waiting on A, and B recorded each activity once.
    await eventually(async () => (await queuedForB()).length === 0, 10_000);
    const activities = (await b.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").execute()).map((r) => r.activity_uri);
    expect(new Set(activities).size).toBe(activities.length);
  });

  it("after a short outage, gets the posts, a like and an edit made meanwhile from the ordinary retries, each once", async () => {
    const before = await eventually(() => groupPosts(b, bea)); // B has taken in its acceptance
    await b.stop();
    const made: string[] = [];
    const ids: string[] = [];
    for (const content of ["Short outage: one", "Short outage: two"]) {
      const res = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "partners", content });
      expect(res.status).toBe(201);
      made.push(res.body.uri);
      ids.push(res.body.id);
    }
    expect((await a.api(owner.token, "POST", `/api/ecotone/v1/posts/${ids[0]}/like`)).status).toBeLessThan(300);
    expect((await a.api(owner.token, "PATCH", `/api/ecotone/v1/posts/${ids[1]}`, { content: "Short outage: two (edited)" })).status).toBe(200);
    // A first attempt and a retry fail (retries start at 0.5 s in tests).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await b.start();
    await expectOnceOnB(made);
    expect((await groupPosts(b, bea)).length).toBe(before.length + made.length);
    // Ordinary retries keep each post's activities in order: the edit and
    // the like follow their post.
    await eventually(async () => {
      const row = await b.app.ctx.db.selectFrom("posts").select("content_html").where("uri", "=", made[1]!).executeTakeFirst();
      return row?.content_html.includes("(edited)");
    }, 10_000);
    await eventually(async () => {
      const likes = await b.app.ctx.db
        .selectFrom("likes")
        .innerJoin("posts", "posts.id", "likes.post_id")
        .select("likes.post_id")
        .where("posts.uri", "=", made[0]!)
        .execute();
      return likes.length === 1;
    }, 10_000);
  });
});
