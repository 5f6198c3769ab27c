// Puts remote members into a local group directly in the database (as if
// each had joined), so a fan-out benchmark does not first spend minutes
// joining thousands of members.
import { insertFollow } from "../../src/db/repos/follow.repo.ts";
import { upsertRemoteActor } from "../../src/db/repos/remote-actor.repo.ts";
import { newId } from "../../src/domain/ids.ts";
import type { BenchInstance } from "./ecotone.ts";
import type { SimInstance } from "./peers.ts";

export async function addRemoteMembers(ecotone: BenchInstance, groupSlug: string, peers: SimInstance[], perPeer: number): Promise<number> {
  const db = ecotone.app.ctx.db;
  const group = await db.selectFrom("actors").select("id").where("username", "=", groupSlug).where("is_local", "=", true).executeTakeFirstOrThrow();
  let n = 0;
  for (const peer of peers) {
    for (let i = 0; i < perPeer; i++) {
      const uri = `${peer.origin}/users/m${i}`;
      const actor = await upsertRemoteActor(db, {
        uri,
        type: "Person",
        username: `m${i}`,
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
      await insertFollow(db, { id: newId(), followerId: actor.id, followeeId: group.id, state: "accepted", activityUri: `${uri}/follows/${groupSlug}` });
      n++;
    }
  }
  return n;
}

/** Waits until `check` holds or the time is up; returns whether it held. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return check();
}
