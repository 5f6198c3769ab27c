// Finding 51: a hostile remote group that one of our users joined relays a
// forged activity "by" someone on a third server, with an id on that server's
// origin (Mastodon-style ids are predictable). The group's word counts within
// its group, but it must not use up the id: the victim's own signed activity
// with that id, arriving directly, is still applied.
// The honest relay and the honest direct + relayed double delivery are in
// group-relay.test.ts and test/federation/groups*.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
let a: TestInstance;
let olga: TestUser;
let evilPeer: HostilePeer;
let honest: HostilePeer;
let evil: { uri: string; keyId: string };
let mallory: { uri: string; keyId: string };
let carol: { uri: string; keyId: string };
let olgaPostUri: string;
let groupPostUri: string;
let followId: string | null = null;
let n = 0;

async function likesOf(postUri: string) {
  const post = await a.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", postUri).executeTakeFirst();
  if (!post) return [];
  return a.app.ctx.db.selectFrom("likes").innerJoin("actors", "actors.id", "likes.actor_id").select("actors.uri").where("post_id", "=", post.id).execute();
}

function relay(inner: Record<string, unknown>) {
  n += 1;
  return evilPeer.post(
    `${a.origin}/inbox`,
    { "@context": AS_CONTEXT, id: `${evil.uri}/announces/${n}`, type: "Announce", actor: evil.uri, to: [PUBLIC], cc: [`${evil.uri}/followers`], object: inner },
    evil.keyId,
  );
}

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  evilPeer = await startHostilePeer();
  honest = await startHostilePeer();
  evil = await evilPeer.addActor("evil", { type: "Group", followers: `${evilPeer.origin}/users/evil/followers` });
  mallory = await evilPeer.addActor("mallory");
  carol = await honest.addActor("carol");
  evilPeer.handle("/users/evil/inbox", async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const activity = JSON.parse(body) as { id?: string; type?: string };
    if (activity.type === "Follow") followId = activity.id ?? null;
    res.writeHead(202).end();
  });
  // olga joins the (hostile) remote group; it accepts.
  const join = await a.api(olga.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(evil.uri)}/join`);
  expect([200, 202]).toContain(join.status);
  await eventually(() => followId);
  const accept = await evilPeer.post(
    `${a.origin}/users/olga/inbox`,
    {
      "@context": AS_CONTEXT,
      id: `${evil.uri}/accepts/1`,
      type: "Accept",
      actor: evil.uri,
      object: { id: followId, type: "Follow", actor: olga.uri, object: evil.uri },
    },
    evil.keyId,
  );
  expect(accept.status).toBe(202);
  await eventually(async () => {
    const g = await a.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", evil.uri).executeTakeFirst();
    if (!g) return false;
    const f = await a.app.ctx.db.selectFrom("follows").select("state").where("followee_id", "=", g.id).executeTakeFirst();
    return f?.state === "accepted";
  });
  // A post in the evil group (relayed Create by mallory, on mallory's origin: allowed).
  groupPostUri = `${evilPeer.origin}/notes/in-group`;
  const create = await relay({
    id: `${evilPeer.origin}/activities/create-in-group`,
    type: "Create",
    actor: mallory.uri,
    to: [PUBLIC],
    cc: [evil.uri],
    object: { id: groupPostUri, type: "Note", attributedTo: mallory.uri, to: [PUBLIC], cc: [evil.uri], content: "<p>in the group</p>" },
  });
  expect(create.status).toBe(202);
  await eventually(async () => (await a.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", groupPostUri).executeTakeFirst()) !== undefined);
  olgaPostUri = (await a.api(olga.token, "POST", "/api/v1/statuses", { status: "olga speaks in public", visibility: "public" })).body.uri;
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), evilPeer?.close(), honest?.close()]);
});

function carolLikes(likeId: string) {
  return honest.post(`${a.origin}/users/olga/inbox`, { "@context": AS_CONTEXT, id: likeId, type: "Like", actor: carol.uri, object: olgaPostUri }, carol.keyId);
}

describe("a relay pre-claiming a third server's activity id", () => {
  it("control: carol's Like of olga's post is stored", async () => {
    const res = await carolLikes(`${carol.uri}#likes/41`);
    expect(res.status).toBe(202);
    await eventually(async () => (await likesOf(olgaPostUri)).some((l) => l.uri === carol.uri));
    // withdraw it again so the attack below starts clean
    const undo = await honest.post(
      `${a.origin}/users/olga/inbox`,
      { "@context": AS_CONTEXT, id: `${carol.uri}#likes/41/undo`, type: "Undo", actor: carol.uri, object: `${carol.uri}#likes/41` },
      carol.keyId,
    );
    expect(undo.status).toBe(202);
    await eventually(async () => !(await likesOf(olgaPostUri)).some((l) => l.uri === carol.uri));
  }, 60_000);

  it("attack: the evil group's relayed 'Like by carol' with carol's next like id does not make her real Like a duplicate", async () => {
    const preclaimed = `${carol.uri}#likes/42`;
    const forged = await relay({ id: preclaimed, type: "Like", actor: carol.uri, object: groupPostUri });
    expect(forged.status).toBe(202);
    await eventually(async () => (await likesOf(groupPostUri)).length > 0); // the group's word, within its group
    const res = await carolLikes(preclaimed);
    expect(res.status).toBe(202);
    await eventually(async () => (await likesOf(olgaPostUri)).some((l) => l.uri === carol.uri), 15_000);
  }, 60_000);

  it("attack: the evil group cannot withdraw carol's like of a post outside the group", async () => {
    const likeId = `${carol.uri}#likes/42`;
    const forged = await relay({ id: `${likeId}/undo`, type: "Undo", actor: carol.uri, object: likeId });
    expect(forged.status).toBe(202);
    // Something the group may say, relayed after the Undo: once it is in, the Undo was handled too.
    await relay({ id: `${carol.uri}#likes/43`, type: "Like", actor: carol.uri, object: groupPostUri });
    await eventually(async () => (await likesOf(groupPostUri)).some((l) => l.uri === carol.uri));
    await new Promise((r) => setTimeout(r, 2000));
    expect((await likesOf(olgaPostUri)).some((l) => l.uri === carol.uri)).toBe(true);
  }, 60_000);
});
