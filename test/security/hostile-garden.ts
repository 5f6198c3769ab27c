// The scene the hostile-input tests share: instances A and B, a public open
// group "garden" on A owned by olga, bob on B, and a hostile peer whose actor
// mallory is a member of the garden, so that a refusal of her activities is
// about what they claim, not about membership.
import { expect } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

export interface HostileGarden {
  a: TestInstance;
  b: TestInstance;
  peer: HostilePeer;
  olga: TestUser;
  bob: TestUser;
  gardenUri: string;
  mallory: { uri: string; keyId: string };
  /** How many times A's inbox log holds this activity id (0 or 1). */
  recorded(activityUri: string): Promise<number>;
  close(): Promise<void>;
}

export async function startHostileGarden(): Promise<HostileGarden> {
  const [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  const peer = await startHostilePeer();
  const olga = await a.user("olga");
  const bob = await b.user("bob");
  const group = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "garden", visibility: "public", joinPolicy: "open" });
  expect(group.status).toBe(201);
  const gardenUri = group.body.actor.uri as string;
  const mallory = await peer.addActor("mallory");
  const follow = await peer.post(
    `${a.origin}/users/garden/inbox`,
    { "@context": AS_CONTEXT, id: `${peer.origin}/follows/garden`, type: "Follow", actor: mallory.uri, object: gardenUri },
    mallory.keyId,
  );
  expect(follow.status).toBe(202);
  await eventually(async () => {
    const members = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/garden/members");
    return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === mallory.uri);
  });
  return {
    a,
    b,
    peer,
    olga,
    bob,
    gardenUri,
    mallory,
    async recorded(activityUri) {
      const rows = await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", activityUri).execute();
      return rows.length;
    },
    async close() {
      await Promise.all([a.close(), b.close(), peer.close()]);
    },
  };
}
