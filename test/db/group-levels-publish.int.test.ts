// The home's publisher of reputation levels (docs/federation.md, "Reputation
// levels"): a group with a member elsewhere gets its levels computed at most
// once per interval, and an Update of the group is recorded only when the
// levels changed, so many votes in one interval make one Update.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { newId } from "../../src/domain/ids.ts";
import { upsertRemoteActor } from "../../src/db/repos/remote-actor.repo.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { acceptAnswer, askQuestion } from "../../src/services/ideas/question.service.ts";
import { publishDueGroupLevels, publishedLevels } from "../../src/services/insights/group-levels.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestContext } from "../helpers/service-context.ts";

const MINUTE = 60_000;
const EVERY = 10 * MINUTE;
let ctx: ServiceContext;
let handle: DatabaseHandle;
let groupId: string;

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
  for (const username of ["alice", "bob", "carol"]) await createUser(ctx, { username, password: "correct horse battery staple" });
  const group = await createGroup(ctx, "alice", { slug: "help", name: "Help" });
  groupId = group.actor.id;
  await joinGroup(ctx, "bob", "help");
  await joinGroup(ctx, "carol", "help");
});

afterAll(async () => {
  await handle.close();
});

const updatesRecorded = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from outbox_events where type = 'actor.updated' and payload->>'actorId' = ${groupId}`.execute(ctx.db))
    .rows[0]!.n;

/** An answer by `username` accepted by alice: 5 points, a contributor. */
async function acceptedAnswerBy(username: string) {
  const question = await askQuestion(ctx, "alice", { group: "help", content: `A question for ${username}?` });
  const answer = await createPost(ctx, username, { inReplyTo: question.post.id, content: "Here is how." });
  await acceptAnswer(ctx, "alice", question.post.id, answer.uri);
}

describe("publishing a group's levels", () => {
  it("says nothing for a group with no member elsewhere", async () => {
    await acceptedAnswerBy("bob");
    expect(await publishDueGroupLevels(ctx, new Date(), EVERY)).toBe(0);
    expect(await publishedLevels(ctx, groupId)).toBeNull();
    expect(await updatesRecorded()).toBe(0);
  });

  it("publishes once per interval, and only what changed", async () => {
    // A member on another instance: now the levels are for someone.
    const zed = await upsertRemoteActor(ctx.db, {
      uri: "https://elsewhere.example/users/zed",
      type: "Person",
      username: "zed",
      domain: "elsewhere.example",
      name: "Zed",
      summary: null,
      url: null,
      iconUrl: null,
      inboxUrl: "https://elsewhere.example/users/zed/inbox",
      sharedInboxUrl: null,
      outboxUrl: null,
      followersUrl: null,
      followingUrl: null,
      locked: false,
      raw: null,
    });
    await ctx.db
      .insertInto("follows")
      .values({
        id: newId(),
        follower_id: zed.id,
        followee_id: groupId,
        state: "accepted",
        activity_uri: "https://elsewhere.example/follows/1",
        accepted_at: new Date(),
      })
      .execute();

    const t0 = new Date();
    expect(await publishDueGroupLevels(ctx, t0, EVERY)).toBe(1);
    const bob = (await ctx.db.selectFrom("actors").select("uri").where("username", "=", "bob").where("is_local", "=", true).executeTakeFirstOrThrow()).uri;
    expect(await publishedLevels(ctx, groupId)).toEqual([{ memberUri: bob, level: "contributor" }]);
    expect(await updatesRecorded()).toBe(1);

    // Carol earns a level a minute later: nothing is sent before the interval is over.
    await acceptedAnswerBy("carol");
    expect(await publishDueGroupLevels(ctx, new Date(t0.getTime() + MINUTE), EVERY)).toBe(0);
    expect(await updatesRecorded()).toBe(1);
    expect((await publishedLevels(ctx, groupId))?.length).toBe(1);

    // After it, one Update carries both.
    expect(await publishDueGroupLevels(ctx, new Date(t0.getTime() + EVERY + MINUTE), EVERY)).toBe(1);
    expect((await publishedLevels(ctx, groupId))?.map((l) => l.level)).toEqual(["contributor", "contributor"]);
    expect(await updatesRecorded()).toBe(2);

    // Another interval with no change: computed again, nothing sent.
    expect(await publishDueGroupLevels(ctx, new Date(t0.getTime() + 2 * EVERY + 2 * MINUTE), EVERY)).toBe(0);
    expect(await updatesRecorded()).toBe(2);
  });
});
