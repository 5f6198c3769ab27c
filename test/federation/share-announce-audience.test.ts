// A post shared into one of our groups goes to the group's members as the
// group's Announce. From a members-only group that Announce is its members'
// business: addressed to the group's followers, never to as:Public (finding
// 52, docs/security.md); from a public group it says Public, as the group's
// posts do. bob (B) belongs to both groups on A; what A sends to B's inbox is
// recorded on its way out of A.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let bob: TestUser;
const toB: Array<Record<string, unknown>> = [];
const realFetch = globalThis.fetch;

/**
 * Records every activity POSTed to B, then sends it on. Outermost, it keeps
 * the marks of the fetch layers under it (src/federation/fetch-layer.ts).
 */
function recordWhatReachesB(): void {
  const inner = globalThis.fetch as typeof fetch & Record<symbol, unknown>;
  const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.method === "POST" && request.url.startsWith(b.origin)) {
      const text = await request.clone().text();
      try {
        toB.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // not an activity
      }
    }
    return inner(request);
  }) as typeof fetch & Record<symbol, unknown>;
  for (const mark of Object.getOwnPropertySymbols(inner)) recording[mark] = inner[mark];
  globalThis.fetch = recording;
}

async function groupOnA(slug: string, visibility: "public" | "members_only") {
  expect((await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug, visibility, joinPolicy: "open" })).status).toBe(201);
  const handle = encodeURIComponent(`@${slug}@${a.host}`);
  expect([200, 202]).toContain((await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${handle}/join`)).status);
  await eventually(async () => (await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${handle}`)).body.membership?.state === "accepted");
}

/** The Announce by group `slug` of `postUri` that B was sent. */
async function announceReceived(slug: string, postUri: string): Promise<Record<string, unknown>> {
  const groupUri = `${a.origin}/users/${slug}`;
  const sent = (activity: Record<string, unknown>) =>
    activity.type === "Announce" && activity.actor === groupUri && JSON.stringify(activity.object).includes(postUri);
  return (await eventually(() => toB.find(sent)))!;
}

const audience = (activity: Record<string, unknown>) => [activity.to, activity.cc].flat().filter(Boolean) as string[];

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  bob = await b.user("bob");
  await groupOnA("board", "members_only");
  await groupOnA("lobby", "public");
  recordWhatReachesB();
}, 90_000);

afterAll(async () => {
  globalThis.fetch = realFetch;
  await Promise.all([a?.close(), b?.close()]);
});

describe("a post shared into a group, as the member's instance receives it", () => {
  let post: { id: string; uri: string };

  beforeAll(async () => {
    const created = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { content: "Quarterly figures are out" });
    expect(created.status).toBe(201);
    post = created.body;
  });

  it("from a members-only group is addressed to its followers, not to Public", async () => {
    expect((await a.api(alice.token, "POST", `/api/ecotone/v1/posts/${post.id}/share`, { group: "board" })).status).toBe(200);
    const announce = await announceReceived("board", post.uri);
    expect(audience(announce)).not.toContain(PUBLIC);
    expect(audience(announce)).toContain(`${a.origin}/users/board/followers`);
  });

  it("from a public group is addressed to Public (control)", async () => {
    expect((await a.api(alice.token, "POST", `/api/ecotone/v1/posts/${post.id}/share`, { group: "lobby" })).status).toBe(200);
    expect(audience(await announceReceived("lobby", post.uri))).toContain(PUBLIC);
  });
});
