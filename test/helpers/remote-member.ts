// A remote member of a local group, written straight to the tables as if it
// had joined: a cached remote actor on `peer` and an accepted Follow of the
// group. For tests and benchmarks that need members on peers which never
// answer (black holes, recorders, bench peers), where a real join cannot run.
import type { Kysely, Transaction } from "kysely";
import { insertFollow } from "../../src/db/repos/follow.repo.ts";
import { upsertRemoteActor } from "../../src/db/repos/remote-actor.repo.ts";
import type { ActorRow, Database } from "../../src/db/schema.ts";
import { newId } from "../../src/domain/ids.ts";

export interface RemoteMember {
  /** The member's instance: `origin` like "http://127.0.0.1:4001", `host` like "127.0.0.1:4001". */
  peer: { origin: string; host: string };
  username: string;
  groupId: string;
  groupSlug: string;
}

/** Adds `member` to the group; its inbox is `<actor>/inbox`, its shared inbox `<origin>/inbox`. */
export async function addRemoteMember(db: Kysely<Database> | Transaction<Database>, member: RemoteMember): Promise<ActorRow> {
  const { peer, username } = member;
  const uri = `${peer.origin}/users/${username}`;
  const actor = await upsertRemoteActor(db, {
    uri,
    type: "Person",
    username,
    domain: peer.host,
    name: null,
    summary: null,
    url: uri,
    iconUrl: null,
    inboxUrl: `${uri}/inbox`,
    sharedInboxUrl: `${peer.origin}/inbox`,
    outboxUrl: null,
    followersUrl: null,
    followingUrl: null,
    locked: false,
    raw: null,
  });
  await insertFollow(db, {
    id: newId(),
    followerId: actor.id,
    followeeId: member.groupId,
    state: "accepted",
    activityUri: `${uri}/follows/${member.groupSlug}`,
  });
  return actor;
}
