// Finding 54: an admin blocks a peer's domain; the same server on another
// port must be refused too (the unit cases are in
// test/unit/federation-policy.rules.unit.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { blockHost, forgetHost } from "../../src/services/organizations/federation-policy.service.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let a: TestInstance;
let olga: TestUser;
let peer: HostilePeer;
let mallory: { uri: string; keyId: string };
let n = 0;

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  peer = await startHostilePeer({ hostname: "localhost" });
  mallory = await peer.addActor("mallory");
}, 120_000);
afterAll(async () => Promise.all([a?.close(), peer?.close()]));

async function follows() {
  return a.app.ctx.db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select("follows.state")
    .where("actors.uri", "=", mallory.uri)
    .execute();
}

function follow() {
  n += 1;
  return peer.post(
    `${a.origin}/users/olga/inbox`,
    { "@context": AS_CONTEXT, id: `${peer.origin}/follows/${n}`, type: "Follow", actor: mallory.uri, object: olga.uri },
    mallory.keyId,
  );
}

describe("a blocked domain on another port", () => {
  it("control: blocking host:port refuses the Follow", async () => {
    await blockHost(a.app.ctx, peer.host);
    const res = await follow();
    expect(res.status).toBe(403);
    await forgetHost(a.app.ctx, peer.host);
  }, 60_000);

  it("attack: blocking the domain (no port) refuses it on its port too", async () => {
    await blockHost(a.app.ctx, "localhost");
    const res = await follow();
    await new Promise((r) => setTimeout(r, 1000));
    expect(res.status).toBe(403);
    expect(await follows()).toEqual([]);
  }, 60_000);
});
