// How many database statements a timeline request sends: a fixed number per
// route, whatever the number of statuses on the page (hydration in batch,
// never one query per status), and at most 8 (issue 18, ADR 0113, ADR 0118):
// authentication 1, the page 1–2, the visibility facts 1, hydration 2, the
// accounts' counts 1, filters 1. Pages of 10 and of 20 statuses carry the same mix (posts with a
// tag and a mention, boosts, likes), so any per-status statement shows as a
// difference of 10 or more.
import type { Kysely } from "kysely";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/schema.ts";
import { startInstanceWithUsers, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
let groupId: string;
let bobId: string;
let carolId: string;

beforeAll(async () => {
  ({
    instance: a,
    users: { alice, bob, carol, dave },
  } = await startInstanceWithUsers("alice", "bob", "carol", "dave"));
  const lookup = async (acct: string) => (await a.api(null, "GET", `/api/v1/accounts/lookup?acct=${acct}`)).body.id as string;
  bobId = await lookup("bob");
  carolId = await lookup("carol");
  for (const id of [bobId, carolId]) expect((await a.api(alice.token, "POST", `/api/v1/accounts/${id}/follow`)).status).toBe(200);
  // The newcomer follows one account.
  expect((await a.api(dave.token, "POST", `/api/v1/accounts/${carolId}/follow`)).status).toBe(200);
  const group = await a.api(bob.token, "POST", "/api/ecotone/v1/groups", { slug: "lanes", name: "Lanes", visibility: "public", joinPolicy: "open" });
  expect(group.status).toBe(201);
  groupId = group.body.id;
  // 30 rounds of: bob's post (tagged, naming alice) in the group, carol boosting an older one, alice liking it.
  const posted: string[] = [];
  for (let i = 0; i < 30; i++) {
    const post = await a.api(bob.token, "POST", "/api/ecotone/v1/posts", { group: "lanes", content: `Lane ${i} #freight @alice` });
    expect(post.status).toBeLessThan(300);
    posted.push(post.body.id);
    const mine = await a.api(carol.token, "POST", "/api/v1/statuses", { status: `Note ${i} #freight` });
    expect(mine.status).toBe(200);
    if (i > 0) expect((await a.api(carol.token, "POST", `/api/v1/statuses/${posted[i - 1]}/reblog`)).status).toBe(200);
    expect((await a.api(alice.token, "POST", `/api/v1/statuses/${mine.body.id}/favourite`)).status).toBe(200);
  }
}, 300_000);

afterAll(async () => {
  await a?.close();
});

/** Statements sent while the instance answers one GET (the fewest of three tries: background work only adds). */
async function statementsFor(token: string, path: string): Promise<{ statements: number; items: number }> {
  const ctx = a.app.ctx as { db: Kysely<Database> };
  const db = ctx.db;
  let best = { statements: Infinity, items: 0 };
  for (let attempt = 0; attempt < 3; attempt++) {
    const counting = captureStatements(db, { onlyWithin: true });
    ctx.db = db.withPlugin(counting.plugin);
    let response;
    try {
      response = await counting.within(() => a.app.fastify.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${token}` } }));
    } finally {
      ctx.db = db;
    }
    expect(response.statusCode).toBe(200);
    const body = response.json() as unknown[] | { items: unknown[] };
    const items = Array.isArray(body) ? body.length : body.items.length;
    const statements = counting.statements.length;
    if (statements < best.statements) best = { statements, items };
  }
  return best;
}

/** The `max_id` a client scrolling down sends for the second page of its home. */
async function secondPageOfHome(limit: number): Promise<string> {
  const first = await a.api(alice.token, "GET", "/api/v1/timelines/home?limit=20");
  return `/api/v1/timelines/home?limit=${limit}&max_id=${(first.body as Array<{ id: string }>).at(-1)!.id}`;
}

// Issue 18's target is 8 for every route, a person's profile with its boosts included (docs/performance.md, "Session 9 (timelines)").
// The group routes ask the visibility rule about the group and its posts on one read of the facts, and the
// Ecotone API labels the answer's actors (organizations, relationships, audiences) in one statement.
const routes = [
  { name: "home", token: () => alice.token, path: (limit: number) => `/api/v1/timelines/home?limit=${limit}`, most: 8 },
  { name: "home, second page (max_id)", token: () => alice.token, path: secondPageOfHome, most: 8 },
  { name: "home of a newcomer following one account", token: () => dave.token, path: (limit: number) => `/api/v1/timelines/home?limit=${limit}`, most: 8 },
  { name: "public", token: () => alice.token, path: (limit: number) => `/api/v1/timelines/public?limit=${limit}`, most: 8 },
  { name: "tag", token: () => alice.token, path: (limit: number) => `/api/v1/timelines/tag/freight?limit=${limit}`, most: 8 },
  { name: "account statuses", token: () => alice.token, path: (limit: number) => `/api/v1/accounts/${bobId}/statuses?limit=${limit}`, most: 8 },
  // Carol's profile holds her notes and her boosts of bob's posts: the boosted posts come with the page.
  { name: "account statuses with boosts", token: () => alice.token, path: (limit: number) => `/api/v1/accounts/${carolId}/statuses?limit=${limit}`, most: 8 },
  { name: "group account statuses", token: () => alice.token, path: (limit: number) => `/api/v1/accounts/${groupId}/statuses?limit=${limit}`, most: 8 },
  // Pages of 20 (the route's size): the second of the group's 30 posts holds 10.
  {
    name: "group (Ecotone API)",
    token: () => alice.token,
    path: async (limit: number) => {
      const first = `/api/ecotone/v1/groups/${groupId}/posts`;
      if (limit === 20) return first;
      return `${first}?cursor=${(await a.api(alice.token, "GET", first)).body.nextCursor}`;
    },
    most: 8,
  },
];

describe("statements per timeline request", () => {
  for (const route of routes) {
    it(`${route.name}: the same number for 10 and 20 statuses, at most ${route.most}`, async () => {
      const ten = await statementsFor(route.token(), await route.path(10));
      const twenty = await statementsFor(route.token(), await route.path(20));
      expect(ten.items).toBe(10);
      expect(twenty.items).toBe(20);
      expect(twenty.statements).toBe(ten.statements);
      // Authentication, the page and its hydration at the least: a capture that missed the request would count none.
      expect(twenty.statements).toBeGreaterThanOrEqual(4);
      expect(twenty.statements).toBeLessThanOrEqual(route.most);
    });
  }
});
