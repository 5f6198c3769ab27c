// A join repeated while a remote group has not answered sends a new Follow id,
// and a late Reject of the earlier Follow leaves the new request alone
// (ADR 0118's rejoin race: the group's instance dropped the repeated id as a
// duplicate of the one it had refused, then its Reject ended the new request).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { findFollowByPair } from "../../src/db/repos/follow.repo.ts";
import { upsertRemoteActor } from "../../src/db/repos/remote-actor.repo.ts";
import type { ActorRow } from "../../src/db/schema.ts";
import { receiveFollowRejected } from "../../src/services/accounts/follow.service.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { requestRemoteMembership } from "../../src/services/groups/group.service.ts";
import { openTestContext } from "../helpers/service-context.ts";

let ctx: ServiceContext;
let handle: DatabaseHandle;
let memberId: string;
let group: ActorRow;

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
  memberId = (await createUser(ctx, { username: "guest", password: "correct horse battery staple" })).actorId;
  group = await upsertRemoteActor(ctx.db, {
    uri: "https://acme.example/groups/dealroom",
    type: "Group",
    username: "dealroom",
    domain: "acme.example",
    name: "Deal room",
    summary: null,
    url: null,
    iconUrl: null,
    inboxUrl: "https://acme.example/groups/dealroom/inbox",
    sharedInboxUrl: null,
    outboxUrl: null,
    followersUrl: "https://acme.example/groups/dealroom/followers",
    followingUrl: null,
    locked: true,
    raw: null,
  });
});

afterAll(async () => {
  await handle?.close();
});

const followOf = async () => (await findFollowByPair(ctx.db, memberId, group.id))!;
const rejectOf = (followActivityUri: string | null, n: number) =>
  receiveFollowRejected(
    ctx,
    { uri: `https://acme.example/activities/reject-${n}`, type: "Reject", actorUri: group.uri },
    { followActivityUri, followerUri: `${ctx.origin.origin}/users/guest`, followeeUri: group.uri },
  );

describe("joining a remote group again before it answered", () => {
  it("sends a new Follow id, and a late Reject of the earlier one does not end the new request", async () => {
    await requestRemoteMembership(ctx, memberId, group.id);
    const first = (await followOf()).activity_uri;

    await requestRemoteMembership(ctx, memberId, group.id);
    const second = await followOf();
    expect(second.state).toBe("pending");
    expect(second.activity_uri).not.toBe(first);
    expect(new URL(second.activity_uri).origin).toBe(ctx.origin.origin);

    // The group's Reject of the first request arrives late: the second stands.
    await rejectOf(first, 1);
    expect((await followOf())?.activity_uri).toBe(second.activity_uri);

    // Its answer to the second request is honoured.
    await rejectOf(second.activity_uri, 2);
    expect(await findFollowByPair(ctx.db, memberId, group.id)).toBeUndefined();
  });

  it("still honours a Reject that names the request only by its pair (no Follow id)", async () => {
    await requestRemoteMembership(ctx, memberId, group.id);
    expect(await findFollowByPair(ctx.db, memberId, group.id)).toBeDefined();
    await rejectOf(null, 3);
    expect(await findFollowByPair(ctx.db, memberId, group.id)).toBeUndefined();
  });

  it("ignores a Reject sent by anyone but the group", async () => {
    await requestRemoteMembership(ctx, memberId, group.id);
    const current = (await followOf()).activity_uri;
    await receiveFollowRejected(
      ctx,
      { uri: "https://evil.example/activities/reject", type: "Reject", actorUri: "https://evil.example/users/mallory" },
      { followActivityUri: current, followerUri: `${ctx.origin.origin}/users/guest`, followeeUri: group.uri },
    );
    expect((await followOf()).activity_uri).toBe(current);
  });
});
