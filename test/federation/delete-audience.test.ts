// A post's Delete goes to the post's audience, addressed as the post was: a
// followers-only post's Delete does not say Public, and a server whose people
// were not in the audience hears nothing of it. alice (A) has a follower on B
// (bob) and one on a recording peer (eve); zed, on a second recording peer,
// follows only mallory (A), so A delivers to his server, but never alice's posts.
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let mallory: TestUser;
let bob: TestUser;
let fans: HostilePeer;
let outsiders: HostilePeer;
const received = { fans: [] as Array<Record<string, unknown>>, outsiders: [] as Array<Record<string, unknown>> };

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

/** A peer whose actor `name` follows `target` on A, recording every activity it is sent. */
async function follower(peer: HostilePeer, name: string, target: TestUser, log: Array<Record<string, unknown>>) {
  const actor = await peer.addActor(name);
  peer.handle(`/users/${name}/inbox`, async (req, res) => {
    log.push(await bodyOf(req));
    res.writeHead(202).end();
  });
  const follow = { "@context": AS_CONTEXT, id: `${peer.origin}/follows/${name}`, type: "Follow", actor: actor.uri, object: target.uri };
  expect((await peer.post(`${a.origin}/users/${target.username}/inbox`, follow, actor.keyId)).status).toBe(202);
  await eventually(() => log.some((activity) => activity.type === "Accept"));
}

const deleteOf = (log: Array<Record<string, unknown>>, uri: string) =>
  log.find((activity) => activity.type === "Delete" && JSON.stringify(activity.object).includes(uri));
const audience = (activity: Record<string, unknown>) => [activity.to, activity.cc].flat().filter(Boolean) as string[];

async function post(visibility: "public" | "private") {
  const res = await a.api(alice.token, "POST", "/api/v1/statuses", { status: `a ${visibility} note to delete`, visibility });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await eventually(() => received.fans.some((activity) => activity.type === "Create" && JSON.stringify(activity.object).includes(res.body.uri)));
  return res.body as { id: string; uri: string };
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  mallory = await a.user("mallory");
  bob = await b.user("bob");
  fans = await startHostilePeer();
  outsiders = await startHostilePeer();
  await follower(fans, "eve", alice, received.fans);
  await follower(outsiders, "zed", mallory, received.outsiders);
  const found = await b.api(bob.token, "GET", `/api/v2/search?q=${encodeURIComponent(`alice@${a.host}`)}&resolve=true&type=accounts`);
  const aliceOnB = found.body.accounts[0].id as string;
  await b.api(bob.token, "POST", `/api/v1/accounts/${aliceOnB}/follow`);
  await eventually(async () => (await b.api(bob.token, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnB}`)).body[0]?.following === true);
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), fans?.close(), outsiders?.close()]);
});

const onBobsHome = async (uri: string) => ((await b.api(bob.token, "GET", "/api/v1/timelines/home")).body as Array<{ uri: string }>).some((s) => s.uri === uri);

describe("the Delete of a post", () => {
  it("of a followers-only post reaches its followers addressed to them, not to Public, and no one else", async () => {
    const note = await post("private");
    await eventually(() => onBobsHome(note.uri));
    expect((await a.api(alice.token, "DELETE", `/api/v1/statuses/${note.id}`)).status).toBe(200);

    await eventually(() => deleteOf(received.fans, note.uri) !== undefined);
    const sent = deleteOf(received.fans, note.uri)!;
    expect(audience(sent)).not.toContain(PUBLIC);
    expect(audience(sent)).toContain(`${alice.uri}/followers`);
    // The honest follower on another Ecotone removes it.
    await eventually(async () => !(await onBobsHome(note.uri)));
    // A server A delivers to, whose people were not in the audience, hears nothing.
    expect(deleteOf(received.outsiders, note.uri)).toBeUndefined();
    expect(received.outsiders.filter((activity) => JSON.stringify(activity).includes(note.uri))).toEqual([]);
  });

  it("of a public post is addressed to Public, as the post was (control)", async () => {
    const note = await post("public");
    expect((await a.api(alice.token, "DELETE", `/api/v1/statuses/${note.id}`)).status).toBe(200);
    await eventually(() => deleteOf(received.fans, note.uri) !== undefined);
    expect(audience(deleteOf(received.fans, note.uri)!)).toContain(PUBLIC);
  });
});
