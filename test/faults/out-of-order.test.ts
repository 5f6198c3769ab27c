// Faults: activities about a post that arrive before the post itself.
//
// After an outage, deliveries come back in bursts and not always in order:
// when Fedify's circuit breaker holds a host's deliveries it re-queues each
// as it comes due, so an edit or a like queued after a post can be released
// before it (test/faults/member-down.test.ts saw edits lost that way). Here a
// remote group olga belongs to relays an Update and a Like before the Create
// they are about. Both used to be dropped as "about an unknown post"; now the
// Update is kept as the post and the Like is retried until the post arrives
// (src/services/posts/post-inbox.service.ts; docs/security.md, finding 7).
// The control shows the same activities in order are applied.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

let a: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let group: { uri: string; keyId: string };
let member: { uri: string; keyId: string };
let fan: { uri: string; keyId: string };
let n = 0;

/** The group relays `inner` to A, as FEP-1b12 groups do. */
async function relay(inner: Record<string, unknown>) {
  n += 1;
  const res = await peer.post(
    `${a.origin}/inbox`,
    {
      "@context": AS_CONTEXT,
      id: `${group.uri}/announces/${n}`,
      type: "Announce",
      actor: group.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      cc: [`${group.uri}/followers`],
      object: inner,
    },
    group.keyId,
  );
  expect(res.status).toBe(202);
}

function note(id: string, content: string) {
  return { id, type: "Note", attributedTo: member.uri, content, to: ["https://www.w3.org/ns/activitystreams#Public"], cc: [group.uri], audience: group.uri };
}

async function state(uri: string) {
  const row = await a.app.ctx.db.selectFrom("posts").select(["id", "content_html"]).where("uri", "=", uri).executeTakeFirst();
  if (!row) return null;
  const likes = await a.app.ctx.db.selectFrom("likes").select("actor_id").where("post_id", "=", row.id).execute();
  return { content: row.content_html, likes: likes.length };
}

beforeAll(async () => {
  a = await startInstance();
  peer = await startHostilePeer();
  olga = await a.user("olga");
  member = await peer.addActor("member");
  fan = await peer.addActor("fan");
  group = await peer.addActor("club", { type: "Group", followers: `${peer.origin}/users/club/followers` });
  // The group accepts olga's Follow like Lemmy does: 202, then a signed Accept.
  peer.handle("/users/club/inbox", (req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      res.writeHead(202).end();
      const follow = JSON.parse(body) as { id: string; type: string; actor: string };
      if (follow.type !== "Follow") return;
      void peer.post(
        `${a.origin}/inbox`,
        { "@context": AS_CONTEXT, id: `${group.uri}/accepts/${n++}`, type: "Accept", actor: group.uri, object: follow },
        group.keyId,
      );
    });
  });
  const join = await a.api(olga.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(group.uri)}/join`);
  expect([200, 202]).toContain(join.status);
  await eventually(async () => {
    const res = await a.api(olga.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group.uri)}`);
    return res.body?.membership?.state === "accepted";
  });
});

afterAll(async () => {
  await Promise.all([a?.close(), peer?.close()]);
});

describe("relayed activities about a post", () => {
  it("in order: the post, its edit and a like are all applied", async () => {
    const id = `${peer.origin}/notes/in-order`;
    await relay({ id: `${id}#create`, type: "Create", actor: member.uri, object: note(id, "<p>first version</p>") });
    await eventually(async () => (await state(id)) !== null);
    await relay({ id: `${id}#update`, type: "Update", actor: member.uri, object: note(id, "<p>second version</p>") });
    await relay({ id: `${id}#like`, type: "Like", actor: fan.uri, object: id });
    await eventually(async () => {
      const s = await state(id);
      return s?.content.includes("second version") && s.likes === 1;
    });
  });

  // docs/security.md, finding 7 (fixed): an Update of a post not seen yet
  // is kept as the post, and a Like of one is retried until it arrives.
  it("out of order: an edit and a like that arrive before the post are not lost", async () => {
    const id = `${peer.origin}/notes/out-of-order`;
    await relay({ id: `${id}#update`, type: "Update", actor: member.uri, object: note(id, "<p>second version</p>") });
    await relay({ id: `${id}#like`, type: "Like", actor: fan.uri, object: id });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await relay({ id: `${id}#create`, type: "Create", actor: member.uri, object: note(id, "<p>first version</p>") });
    // Inbox retries start after 5 s: leave time for one.
    await eventually(async () => {
      const s = await state(id);
      return s?.content.includes("second version") && s.likes === 1;
    }, 8_000);
  });
});
