// Issue 7: a Group that relays what it has no business relaying.
//
// FEP-1b12 groups relay their members' activities, and Ecotone takes what a
// group relays on the group's word (src/federation/inbox/announce.handler.ts:
// "the group vouches for what it relays"), because the member's own
// signature is not passed along. Anyone can publish an actor of type Group,
// though. These tests have such a group, on a server nobody here follows,
// relay forged activities "by" a local user and by a member from another
// instance, about posts that live in a different group. Every one of them
// must be refused and change nothing.
//
// Covered elsewhere: a Person's Announce passed off as a group relay
// (hostile-input.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let bob: TestUser;
let olgaPost: { id: string; uri: string };
let bobPost: { uri: string };
let evil: { uri: string; keyId: string };
let n = 0;

function relay(inner: Record<string, unknown>) {
  n += 1;
  return peer.post(
    `${a.origin}/inbox`,
    {
      "@context": AS_CONTEXT,
      id: `${evil.uri}/announces/${n}`,
      type: "Announce",
      actor: evil.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      cc: [`${evil.uri}/followers`],
      object: { id: `${peer.origin}/relayed/${n}`, ...inner },
    },
    evil.keyId,
  );
}

/** The inbox worker has handled everything queued so far. */
async function settled() {
  await eventually(async () => {
    const rows = await a.app.ctx.db.selectFrom("fedify_queue").select("message").where("queue", "=", "inbox").execute();
    return rows.every((r) => ((r.message as { attempt?: number }).attempt ?? 0) > 0);
  });
}

function postRow(uri: string) {
  return a.app.ctx.db.selectFrom("posts").select(["id", "content_html", "author_id"]).where("uri", "=", uri).executeTakeFirst();
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startHostilePeer();
  olga = await a.user("olga");
  bob = await b.user("bob");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "garden", visibility: "public", joinPolicy: "open" });
  const join = await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@garden@${a.host}`)}/join`);
  expect([200, 202]).toContain(join.status);
  await eventually(async () => (await a.api(olga.token, "GET", "/api/ecotone/v1/groups/garden/members")).body.items.length === 2);
  olgaPost = (await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "garden", content: "Olga's original words" })).body;
  const fromB = await eventually(async () => {
    const res = await b.api(bob.token, "POST", "/api/ecotone/v1/posts", { group: `@garden@${a.host}`, content: "Bob's original words" });
    return res.status === 201 ? res.body : null;
  });
  bobPost = fromB;
  await eventually(async () => (await postRow(bobPost.uri)) !== undefined);
  // The hostile group: a Group actor with a key, on a server no one joined.
  evil = await peer.addActor("evil", { type: "Group", followers: `${peer.origin}/users/evil/followers` });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("a group relaying activities it never received", () => {
  // KNOWN BUG (docs/security.md, open findings 3): `it.fails` keeps the
  // suite green while the bug is there and turns red once it is fixed: drop
  // `.fails` then. All four below fail today.
  it("refuses a relayed Delete of a local user's post in another group", async () => {
    const res = await relay({ type: "Delete", actor: olga.uri, object: olgaPost.uri, to: ["https://www.w3.org/ns/activitystreams#Public"] });
    expect(res.status).toBe(202);
    await settled();
    expect(await postRow(olgaPost.uri)).toBeDefined();
    const tomb = await a.app.ctx.db.selectFrom("tombstones").select("uri").where("uri", "=", olgaPost.uri).execute();
    expect(tomb).toEqual([]);
  });

  it("refuses a relayed Update of a remote member's post in another group", async () => {
    const res = await relay({
      type: "Update",
      actor: bob.uri,
      object: { id: bobPost.uri, type: "Note", attributedTo: bob.uri, content: "<p>Hacked by the evil group</p>", cc: [evil.uri] },
    });
    expect(res.status).toBe(202);
    await settled();
    expect((await postRow(bobPost.uri))?.content_html).toContain("Bob's original words");
  });

  it("refuses a relayed Create of a note put in a member's mouth, on the member's own origin", async () => {
    const uri = `${b.origin}/posts/words-never-said`;
    const res = await relay({
      type: "Create",
      actor: bob.uri,
      object: {
        id: uri,
        type: "Note",
        attributedTo: bob.uri,
        content: "<p>I never wrote this</p>",
        to: ["https://www.w3.org/ns/activitystreams#Public"],
        cc: [evil.uri],
      },
    });
    expect(res.status).toBe(202);
    await settled();
    expect(await postRow(uri)).toBeUndefined();
  });

  it("refuses a relayed Like by a local user who never liked", async () => {
    const res = await relay({ type: "Like", actor: olga.uri, object: bobPost.uri });
    expect(res.status).toBe(202);
    await settled();
    const row = await postRow(bobPost.uri);
    const likes = await a.app.ctx.db.selectFrom("likes").select("actor_id").where("post_id", "=", row!.id).execute();
    expect(likes).toEqual([]);
  });
});
