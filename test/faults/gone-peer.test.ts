// Faults: a member whose server answers 410 Gone.
//
// Fedify 2.3.8 treats 404 and 410 from an inbox as permanent
// (`permanentFailureStatusCodes`, default [404, 410]): the delivery is
// abandoned at once, not retried with backoff. A 503 is retried (the
// control). The actors such an inbox serves are then marked gone and not
// addressed again, and the signed Delete a server sends when an account is
// deleted is accepted although its key is gone too (src/federation/inbox/
// gone-actor.ts, self-delete.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";
import { forgetSignedFetch } from "../../src/federation/signed-fetch.cache.ts";

let a: TestInstance;
let goneHost: HostilePeer;
let flakyHost: HostilePeer;
let owner: TestUser;
let groupUri: string;
let gone: { uri: string; keyId: string };
let flaky: { uri: string; keyId: string };

/**
 * Delivery attempts at an inbox. Fedify "double-knocks": when an inbox
 * refuses one signature style it tries the other at once, so one attempt may
 * be two requests, one of each style. Counting the requests of the style sent
 * most often counts attempts whatever the time between the two knocks (under
 * load it can be longer than the time between retries).
 */
function inboxPosts(peer: HostilePeer, name: string): number {
  const posts = peer.hits.filter((h) => h.method === "POST" && h.path === `/users/${name}/inbox`);
  const ofStyle = (style: string | null) => posts.filter((h) => h.signature === style).length;
  return Math.max(ofStyle("rfc9421"), ofStyle("cavage")) + ofStyle(null);
}

async function join(peer: HostilePeer, actor: { uri: string; keyId: string }, followId = `${actor.uri}/follows/partners`) {
  const res = await peer.post(
    `${a.origin}/users/partners/inbox`,
    { "@context": AS_CONTEXT, id: followId, type: "Follow", actor: actor.uri, object: groupUri },
    actor.keyId,
  );
  expect(res.status).toBe(202);
  await eventually(async () => {
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/partners/members");
    return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === actor.uri);
  });
}

async function post(content: string) {
  const res = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "partners", content });
  expect(res.status).toBe(201);
  return res.body as { id: string; uri: string };
}

beforeAll(async () => {
  a = await startInstance(); // retries start at 0.5 s
  owner = await a.user("owner");
  const group = await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "partners", visibility: "public", joinPolicy: "open" });
  groupUri = group.body.actor.uri;
  // Two hosts, so one's answers do not move the other's circuit breaker.
  goneHost = await startHostilePeer();
  flakyHost = await startHostilePeer();
  gone = await goneHost.addActor("gone");
  flaky = await flakyHost.addActor("flaky");
  // Joining is accepted; from then on the inboxes refuse.
  goneHost.handle("/users/gone/inbox", (_req, res) => res.writeHead(202).end());
  flakyHost.handle("/users/flaky/inbox", (_req, res) => res.writeHead(202).end());
  await join(goneHost, gone);
  await join(flakyHost, flaky);
  await eventually(() => inboxPosts(goneHost, "gone") >= 1 && inboxPosts(flakyHost, "flaky") >= 1); // the Accepts
  goneHost.handle("/users/gone/inbox", (_req, res) => res.writeHead(410).end());
  flakyHost.handle("/users/flaky/inbox", (_req, res) => res.writeHead(503).end());
});

afterAll(async () => {
  await Promise.all([a?.close(), goneHost?.close(), flakyHost?.close()]);
});

describe("an inbox that answers 410 Gone", () => {
  it("gets one attempt per activity and no retries, while a 503 is retried", async () => {
    const before = { gone: inboxPosts(goneHost, "gone"), flaky: inboxPosts(flakyHost, "flaky") };
    await post("First post after the member left its server");
    await eventually(() => inboxPosts(goneHost, "gone") > before.gone);
    // Retries would come at 0.5 s, 1 s, 2 s…
    await eventually(() => inboxPosts(flakyHost, "flaky") >= before.flaky + 3, 10_000);
    expect(inboxPosts(goneHost, "gone") - before.gone).toBe(1);
    // Nothing for the gone inbox is left in the queue; the flaky one waits for a retry.
    const queued = await a.app.ctx.db.selectFrom("fedify_queue").select("message").where("queue", "=", "outbox").execute();
    const text = queued.map((q) => JSON.stringify(q.message));
    expect(text.filter((t) => t.includes(`${goneHost.origin}/users/gone/inbox`))).toEqual([]);
    expect(text.filter((t) => t.includes(`${flakyHost.origin}/users/flaky/inbox`)).length).toBeGreaterThan(0);
  });

  it("stops addressing an actor once its inbox answered 410 Gone", async () => {
    await eventually(() => inboxPosts(goneHost, "gone") >= 2); // the Accept, then the first post
    const before = inboxPosts(goneHost, "gone");
    await post("Second post: the gone member should not be addressed any more");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(inboxPosts(goneHost, "gone")).toBe(before);
  });
});

describe("an actor whose documents answer 410 Gone", () => {
  it("is not found by a lookup, and is not cached", async () => {
    goneHost.serve("/users/deleted", "", { status: 410, contentType: "text/plain" });
    const res = await a.api(owner.token, "GET", `/api/ecotone/v1/actors/lookup?handle=${encodeURIComponent(`${goneHost.origin}/users/deleted`)}`);
    expect(res.status).toBe(404);
    const cached = await a.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", `${goneHost.origin}/users/deleted`).execute();
    expect(cached).toEqual([]);
  });

  // docs/security.md, finding 8: Fedify still holds the account's key, so
  // before the fix the signature verified against that copy, the key-ownership
  // check then got 410 for the actor and answered 401 without calling any hook.
  it("has its Delete of itself accepted although its key is still cached, and is then no longer addressed", async () => {
    // The earlier 410s at its inbox marked it gone: start from an account we
    // believe alive, whose key Fedify has cached from its earlier activities.
    await a.app.ctx.db.updateTable("actors").set({ gone_at: null }).where("uri", "=", gone.uri).execute();
    goneHost.handle("/users/gone/inbox", (_req, res) => res.writeHead(202).end());
    const accepts = inboxPosts(goneHost, "gone");
    await join(goneHost, gone, `${gone.uri}/follows/partners-again`);
    await eventually(() => inboxPosts(goneHost, "gone") > accepts); // the Accept, taken
    expect((await a.app.ctx.db.selectFrom("actors").select("gone_at").where("uri", "=", gone.uri).executeTakeFirstOrThrow()).gone_at).toBeNull();
    goneHost.handle("/users/gone/inbox", (_req, res) => res.writeHead(410).end());
    // The account was deleted on its server: its actor and key answer 410,
    // and the server tells its followers with a signed Delete (as Mastodon does).
    goneHost.serve("/users/gone", "", { status: 410, contentType: "text/plain" });
    // Later than the signed-fetch cache's 30 s: the actor's last answer is forgotten.
    forgetSignedFetch(gone.uri);
    const del = await goneHost.post(
      `${a.origin}/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${gone.uri}#delete`,
        type: "Delete",
        actor: gone.uri,
        object: gone.uri,
        to: ["https://www.w3.org/ns/activitystreams#Public"],
      },
      gone.keyId,
    );
    expect(del.status).toBe(202);
    await eventually(async () => {
      const row = await a.app.ctx.db.selectFrom("actors").select("gone_at").where("uri", "=", gone.uri).executeTakeFirst();
      return row?.gone_at != null;
    });
    const before = inboxPosts(goneHost, "gone");
    await post("After the Delete: the gone member is not addressed");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(inboxPosts(goneHost, "gone")).toBe(before);
  });

  it("refuses a Delete of a live account under a key id of its server that answers 410, and the account stays a member", async () => {
    const victim = await flakyHost.addActor("victim");
    flakyHost.handle("/users/victim/inbox", (_req, res) => res.writeHead(202).end());
    await join(flakyHost, victim);
    // Any deleted account's key answers 410; the attacker names one as the signer.
    flakyHost.serve("/users/long-gone/main-key", "", { status: 410, contentType: "text/plain" });
    const forged = { "@context": AS_CONTEXT, id: `${victim.uri}#delete`, type: "Delete", actor: victim.uri, object: victim.uri };
    const res = await flakyHost.post(`${a.origin}/inbox`, forged, `${flakyHost.origin}/users/long-gone/main-key`);
    expect(res.status).toBe(401);
    const row = await a.app.ctx.db.selectFrom("actors").select("gone_at").where("uri", "=", victim.uri).executeTakeFirst();
    expect(row?.gone_at).toBeNull();
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/partners/members");
    expect(members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === victim.uri)).toBe(true);
  });

  it("control: a forged Delete of a live account by itself is refused, and the account stays a member", async () => {
    const alive = await flakyHost.addActor("alive");
    flakyHost.handle("/users/alive/inbox", (_req, res) => res.writeHead(202).end());
    await join(flakyHost, alive);
    const honest = { "@context": AS_CONTEXT, id: `${alive.uri}#delete`, type: "Delete", actor: alive.uri, object: alive.uri };
    const signed = await flakyHost.sign(`${a.origin}/inbox`, honest, alive.keyId);
    // The signature covers another body than the one sent.
    const forged = await flakyHost.send(signed, undefined, JSON.stringify({ ...honest, id: `${alive.uri}#forged` }));
    expect(forged.status).toBe(401);
    const row = await a.app.ctx.db.selectFrom("actors").select("gone_at").where("uri", "=", alive.uri).executeTakeFirst();
    expect(row?.gone_at).toBeNull();
    const members = await a.api(owner.token, "GET", "/api/ecotone/v1/groups/partners/members");
    expect(members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === alive.uri)).toBe(true);
  });
});
