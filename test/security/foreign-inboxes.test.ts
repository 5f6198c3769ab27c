// Finding 55: a remote actor's `inbox` and `endpoints.sharedInbox` were kept as
// sent, so an actor on evil.example could name another server's inbox as its
// own and have us POST our signed activities there: every follow, mention or
// group relay addressed to it went to a third party, with our signature on it
// (and a shared inbox named by many such actors multiplies the traffic). An
// actor's inboxes are now kept only on its own origin (`fromActor`,
// src/federation/mappers/actor.mapper.ts), as its collections are (finding 42).
// One real instance, a hostile peer and a bystander server that counts hits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let b: TestInstance;
let evil: HostilePeer;
let bystander: HostilePeer;
let bob: TestUser;

async function follow(uri: string): Promise<void> {
  const found = await b.api(bob.token, "GET", `/api/v2/search?resolve=true&type=accounts&q=${encodeURIComponent(uri)}`);
  expect(found.body.accounts).toHaveLength(1);
  expect((await b.api(bob.token, "POST", `/api/v1/accounts/${found.body.accounts[0].id}/follow`)).status).toBe(200);
}

beforeAll(async () => {
  b = await startInstance();
  [evil, bystander] = await Promise.all([startHostilePeer(), startHostilePeer()]);
  bob = await b.user("bob");
  for (const peer of [evil, bystander]) {
    peer.handle("*", (req, res) => {
      req.resume();
      res.writeHead(202).end();
    });
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([b?.close(), evil?.close(), bystander?.close()]);
});

describe("finding 55: a remote actor's inboxes only on its own origin", () => {
  it("control: an honest actor's own inbox gets our Follow", async () => {
    const honest = await evil.addActor("honest", { endpoints: { sharedInbox: `${evil.origin}/inbox` } });
    await follow(honest.uri);
    await eventually(async () => evil.hits.some((h) => h.method === "POST" && h.path === "/users/honest/inbox"));
    const stored = await b.app.ctx.db.selectFrom("actors").select(["inbox_url", "shared_inbox_url"]).where("uri", "=", honest.uri).executeTakeFirstOrThrow();
    expect(stored).toEqual({ inbox_url: `${honest.uri}/inbox`, shared_inbox_url: `${evil.origin}/inbox` });
  }, 60_000);

  it("an actor naming another server's inbox gets nothing sent there, and the address is not kept", async () => {
    const liar = await evil.addActor("liar", { inbox: `${bystander.origin}/users/victim/inbox`, endpoints: { sharedInbox: `${bystander.origin}/inbox` } });
    await follow(liar.uri);
    const stored = await b.app.ctx.db.selectFrom("actors").select(["inbox_url", "shared_inbox_url"]).where("uri", "=", liar.uri).executeTakeFirstOrThrow();
    expect(stored).toEqual({ inbox_url: null, shared_inbox_url: null });
    // The honest follow above reached the peer within moments; give this one as long.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(bystander.hits.filter((h) => h.method === "POST")).toEqual([]);
  }, 60_000);
});
