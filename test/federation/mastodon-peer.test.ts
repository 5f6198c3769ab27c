// What a Mastodon-family server makes of what Ecotone sends: a group on A
// with a follower on a Mastodon-shaped peer (which ignores Announce of
// activities) and a member instance B (an Ecotone, which reads FEP-1b12).
// The peer's people see the group's posts, their edits and their deletions,
// are notified of mentions, and never receive a ForgeFed Ticket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startMastodonPeer, type MastodonPeer } from "../helpers/mastodon-peer.ts";

let a: TestInstance;
let b: TestInstance;
let masto: MastodonPeer;
let olga: TestUser;
let bea: TestUser;
let groupUri: string;
let mara: { uri: string; handle: string };

async function postsOn(instance: TestInstance, token: string, group: string) {
  const res = await instance.api(token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as Array<{ uri: string; contentHtml: string }>;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  masto = await startMastodonPeer();
  olga = await a.user("olga");
  bea = await b.user("bea");
  mara = await masto.addUser("mara");
  const created = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", {
    slug: "makers",
    name: "Makers",
    visibility: "public",
    joinPolicy: "open",
  });
  expect(created.status).toBe(201);
  groupUri = created.body.actor.uri;
  await masto.follow("mara", groupUri);
  const joined = await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@makers@${a.host}`)}/join`);
  expect([200, 202]).toContain(joined.status);
  await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@makers@${a.host}`)}`)).body.membership?.state === "accepted");
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), masto?.close()]);
});

describe("a group's posts on a Mastodon-family server", () => {
  let post: { id: string; uri: string };

  it("a follower of the group there sees a member's post, as the group's boost; the Ecotone member sees it too", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "makers", content: "Laser cutter is free on Fridays" });
    expect(res.status).toBe(201);
    post = res.body;
    const status = (await eventually(() => masto.statuses.get(post.uri)))!;
    expect(status.content).toContain("Laser cutter is free on Fridays");
    expect(status.attributedTo).toBe(olga.uri);
    expect(status.boostedBy).toEqual([groupUri]);
    await eventually(async () => (await postsOn(b, bea.token, `@makers@${a.host}`)).some((p) => p.uri === post.uri));
    // No FEP-1b12 Announce(Create) was sent to the peer, which would drop it.
    expect(masto.received.filter((r) => r.ignored?.startsWith("Unsupported object on Announce"))).toEqual([]);
  });
});
