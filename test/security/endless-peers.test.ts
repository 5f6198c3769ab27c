// Issue 7: peers that never finish. Collections whose `next` points to
// itself or to ever-new pages (outbox, followers, following, featured, a
// note's replies, a group's moderators), and servers that keep a request open
// (silent, or dripping a byte at a time) for an actor, a key during signature
// checks, or WebFinger. Whatever reads them must stop: the instance's
// outbound deadline (ECOTONE_FETCH_TIMEOUT_MS, 1 s here) bounds every wait.
//
// Covered elsewhere: a body dripped during an actor fetch through the
// Ecotone follow API (test/federation/outbound-limits.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

const DEADLINE_MS = 1_000;
// Generous for a busy two-core machine, far below undici's own 300 s.
const SLACK_MS = 3_000;

let a: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let pagesServed = 0;

/** Requests the peer got for collection pages since `since`. */
function collectionHits(since = 0): number {
  return peer.hits.slice(since).filter((h) => /\/(outbox|followers|following|featured|liked|replies|moderators)/.test(h.path)).length;
}

/** A collection whose pages never end: page n links to page n+1; page 0 links to itself as well. */
function endlessCollection(base: string) {
  peer.handle(`${base}*`, (_req, res, url) => {
    pagesServed += 1;
    const page = Number(url.searchParams.get("page") ?? "-1");
    res.writeHead(200, { "content-type": "application/activity+json" });
    if (page < 0) {
      res.end(
        JSON.stringify({
          "@context": AS_CONTEXT,
          id: `${peer.origin}${base}`,
          type: "OrderedCollection",
          totalItems: 1e9,
          first: `${peer.origin}${base}?page=0`,
        }),
      );
      return;
    }
    res.end(
      JSON.stringify({
        "@context": AS_CONTEXT,
        id: `${peer.origin}${base}?page=${page}`,
        type: "OrderedCollectionPage",
        partOf: `${peer.origin}${base}`,
        // Page 0 points back at itself; the others always to a new page.
        next: page === 0 ? `${peer.origin}${base}?page=0` : `${peer.origin}${base}?page=${page + 1}`,
        orderedItems: [`${peer.origin}${base}/item-${page}`],
      }),
    );
  });
}

/** Answers headers, then a byte a second, forever. */
function drip(path: string) {
  peer.handle(path, (_req, res) => {
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.write("{");
    const timer = setInterval(() => res.write(" "), 1_000);
    res.on("close", () => clearInterval(timer));
  });
}

/** Accepts the request and never answers at all. */
function silent(path: string) {
  peer.handle(path, (_req, res) => {
    res.on("close", () => {});
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

beforeAll(async () => {
  a = await startInstance({ fetchTimeoutMs: DEADLINE_MS });
  peer = await startHostilePeer();
  olga = await a.user("olga");
});

afterAll(async () => {
  await Promise.all([a?.close(), peer?.close()]);
});

describe("collections that page forever", () => {
  it("an actor whose collections never end can be found, followed and shown, and nothing keeps crawling", async () => {
    const base = "/users/endless";
    for (const c of ["outbox", "followers", "following", "featured", "liked"]) endlessCollection(`${base}/${c}`);
    const endless = await peer.addActor("endless", {
      outbox: `${peer.origin}${base}/outbox`,
      followers: `${peer.origin}${base}/followers`,
      following: `${peer.origin}${base}/following`,
      featured: `${peer.origin}${base}/featured`,
      liked: `${peer.origin}${base}/liked`,
    });
    const start = peer.hits.length;
    const { value: found, ms } = await timed(() => a.api(olga.token, "GET", `/api/v2/search?resolve=true&q=${encodeURIComponent(endless.uri)}`));
    expect(found.body.accounts).toHaveLength(1);
    const id = found.body.accounts[0].id as string;
    for (const path of [`/api/v1/accounts/${id}`, `/api/v1/accounts/${id}/statuses`, `/api/v1/accounts/${id}/followers`, `/api/v1/accounts/${id}/following`]) {
      const res = await a.api(olga.token, "GET", path);
      expect([path, res.status]).toEqual([path, 200]);
    }
    const follow = await a.api(olga.token, "POST", `/api/v1/accounts/${id}/follow`);
    expect(follow.status).toBe(200);
    expect(ms).toBeLessThan(SLACK_MS);
    // Give any background reader time to get lost in the pages.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(collectionHits(start)).toBeLessThanOrEqual(5);
    // What was stored is the actor, not an endless list of items from it.
    const posts = await a.app.ctx.db.selectFrom("posts").select("id").where("uri", "like", `${peer.origin}%`).execute();
    expect(posts).toEqual([]);
  });

  it("a note whose replies collection never ends is fetched once, its replies are not crawled", async () => {
    const author = await peer.addActor("replier");
    endlessCollection("/notes/endless/replies");
    peer.serve("/notes/endless", {
      "@context": AS_CONTEXT,
      id: `${peer.origin}/notes/endless`,
      type: "Note",
      attributedTo: author.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      content: "<p>read all the replies</p>",
      // Shaped like Mastodon's: an embedded first page whose next goes on.
      replies: {
        id: `${peer.origin}/notes/endless/replies`,
        type: "Collection",
        first: { type: "CollectionPage", next: `${peer.origin}/notes/endless/replies?page=1`, partOf: `${peer.origin}/notes/endless/replies`, items: [] },
      },
    });
    const start = peer.hits.length;
    const { value: found, ms } = await timed(() =>
      a.api(olga.token, "GET", `/api/v2/search?resolve=true&type=statuses&q=${encodeURIComponent(`${peer.origin}/notes/endless`)}`),
    );
    expect(found.body.statuses).toHaveLength(1);
    expect(ms).toBeLessThan(SLACK_MS);
    const context = await a.api(olga.token, "GET", `/api/v1/statuses/${found.body.statuses[0].id}/context`);
    expect(context.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collectionHits(start)).toBeLessThanOrEqual(5);
    const stored = await a.app.ctx.db.selectFrom("posts").select("uri").where("uri", "like", `${peer.origin}/notes/endless%`).execute();
    expect(stored.map((r) => r.uri)).toEqual([`${peer.origin}/notes/endless`]);
  });

  it("joining a remote group whose moderators and followers never end finishes", async () => {
    const base = "/groups/endless";
    for (const c of ["moderators", "followers", "outbox"]) endlessCollection(`${base}/${c}`);
    peer.serve(base, {
      "@context": AS_CONTEXT,
      id: `${peer.origin}${base}`,
      type: "Group",
      preferredUsername: "endless",
      inbox: `${peer.origin}${base}/inbox`,
      outbox: `${peer.origin}${base}/outbox`,
      followers: `${peer.origin}${base}/followers`,
      attributedTo: `${peer.origin}${base}/moderators`,
    });
    peer.handle(`${base}/inbox`, (_req, res) => res.writeHead(202).end());
    const start = peer.hits.length;
    const { value: join, ms } = await timed(() => a.api(olga.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`${peer.origin}${base}`)}/join`));
    expect([200, 202]).toContain(join.status);
    expect(ms).toBeLessThan(SLACK_MS);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(collectionHits(start)).toBeLessThanOrEqual(5);
    expect(pagesServed).toBeLessThan(50);
  });
});

describe("answers that never finish", () => {
  it("gives up on an actor whose server never sends a header, within the deadline", async () => {
    silent("/users/silent");
    const { value: res, ms } = await timed(() =>
      a.api(olga.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(`${peer.origin}/users/silent`)}`),
    );
    expect(res.status).toBe(404);
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const cached = await a.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", `${peer.origin}/users/silent`).execute();
    expect(cached).toEqual([]);
  });

  it("answers a signed POST whose key document drips within the deadline, with 401, storing nothing", async () => {
    drip("/keys/dripping");
    const activity = {
      "@context": AS_CONTEXT,
      id: `${peer.origin}/follows/dripping`,
      type: "Follow",
      actor: `${peer.origin}/users/dripping`,
      object: olga.uri,
    };
    const signed = await peer.sign(`${a.origin}/users/olga/inbox`, activity, `${peer.origin}/keys/dripping`);
    const { value: res, ms } = await timed(() => peer.send(signed));
    expect(res.status).toBe(401);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const recorded = await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", activity.id).execute();
    expect(recorded).toEqual([]);
    const followers = await a.api(null, "GET", "/api/ecotone/v1/users/olga/followers");
    expect(followers.body.items).toEqual([]);
  });

  it("gives up on a WebFinger answer that drips, within the deadline", async () => {
    drip("/.well-known/webfinger");
    const followsBefore = (await a.app.ctx.db.selectFrom("follows").select("id").execute()).length;
    const { value: res, ms } = await timed(() => a.api(olga.token, "POST", "/api/ecotone/v1/follows", { target: `@someone@${peer.host}` }));
    // Like every other unreachable lookup: 404, within the deadline.
    expect(res.status).toBe(404);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect((await a.app.ctx.db.selectFrom("follows").select("id").execute()).length).toBe(followsBefore);
  });
});
