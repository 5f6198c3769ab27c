// An Undo that overtakes its Like: Mastodon retries a failed delivery later,
// so a Like and its Undo can arrive in either order. The withdrawal must win
// either way, as a Delete wins over a late Create. And only the like's own
// server may withdraw it in advance. A real instance and a peer that signs
// what Mastodon sends (the Undo embeds the Like).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

let a: TestInstance;
let olga: TestUser;
let peer: HostilePeer;
let other: HostilePeer;
let carol: { uri: string; keyId: string };
let dave: { uri: string; keyId: string };

const like = (actor: string, id: string, object: string) => ({ "@context": AS_CONTEXT, id, type: "Like", actor, object });
const undo = (actor: string, liked: ReturnType<typeof like>) => ({
  "@context": AS_CONTEXT,
  id: `${actor}#undo-${encodeURIComponent(liked.id)}`,
  type: "Undo",
  actor,
  object: { id: liked.id, type: "Like", actor, object: liked.object },
});

/** Posts `activity` signed by `key` and waits until the inbox has handled it. */
async function deliver(from: HostilePeer, activity: unknown, key: { keyId: string }): Promise<void> {
  expect((await from.post(`${a.origin}/inbox`, activity, key.keyId)).status).toBe(202);
  const db = a.app.ctx.db;
  await eventually(async () => (await db.selectFrom("fedify_queue").select("id").where("queue", "=", "inbox").executeTakeFirst()) === undefined);
}

async function favourites(statusId: string): Promise<number> {
  return (await a.api(olga.token, "GET", `/api/v1/statuses/${statusId}`)).body.favourites_count;
}

async function newPost(text: string): Promise<{ id: string; uri: string }> {
  return (await a.api(olga.token, "POST", "/api/v1/statuses", { status: text, visibility: "public" })).body;
}

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  [peer, other] = await Promise.all([startHostilePeer(), startHostilePeer()]);
  carol = await peer.addActor("carol");
  dave = await other.addActor("dave");
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), peer?.close(), other?.close()]);
});

describe("an Undo before its Like", () => {
  it("control: a Like counts, and its Undo after it withdraws it", async () => {
    const post = await newPost("launch day");
    const liked = like(carol.uri, `${peer.origin}/likes/1`, post.uri);
    await deliver(peer, liked, carol);
    expect(await favourites(post.id)).toBe(1);
    await deliver(peer, undo(carol.uri, liked), carol);
    expect(await favourites(post.id)).toBe(0);
  }, 60_000);

  it("withdraws the Like that arrives after its Undo, and a later new Like still counts", async () => {
    const post = await newPost("roadmap");
    const liked = like(carol.uri, `${peer.origin}/likes/2`, post.uri);
    await deliver(peer, undo(carol.uri, liked), carol);
    await deliver(peer, liked, carol);
    expect(await favourites(post.id)).toBe(0);
    // Carol changes her mind again: a new Like, with a new id, counts.
    await deliver(peer, like(carol.uri, `${peer.origin}/likes/3`, post.uri), carol);
    expect(await favourites(post.id)).toBe(1);
  }, 60_000);

  it("withdraws a late Like whose Undo named only its id, which its server does not serve yet", async () => {
    const post = await newPost("hiring");
    const liked = like(carol.uri, `${peer.origin}/likes/5`, post.uri);
    // Pleroma-style: the object is the bare id; fetching it finds nothing (404).
    await deliver(peer, { "@context": AS_CONTEXT, id: `${carol.uri}#undo-5`, type: "Undo", actor: carol.uri, object: liked.id }, carol);
    await deliver(peer, liked, carol);
    expect(await favourites(post.id)).toBe(0);
  }, 60_000);

  it("does not let another server withdraw a like in advance", async () => {
    const post = await newPost("pricing");
    const carols = like(carol.uri, `${peer.origin}/likes/4`, post.uri);
    // Dave's server names carol's (predictable) like id in its own Undo; her
    // server serves the Like, so it is even found under that id.
    peer.serve("/likes/4", carols);
    await deliver(other, undo(dave.uri, carols), dave);
    await deliver(peer, carols, carol);
    expect(await favourites(post.id)).toBe(1);
  }, 60_000);
});
