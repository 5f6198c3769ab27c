// A post that appears in a group is, on the wire, the group's Announce of it.
// Recording that as the group's boost lets members' home timelines show it
// the way Mastodon shows a group's Announce: as a boost by the group.
import type { Transaction } from "kysely";
import { insertReblog } from "../../db/repos/post.repo.ts";
import type { Database } from "../../db/schema.ts";
import { newId } from "../../domain/ids.ts";

export async function recordGroupAnnounce(trx: Transaction<Database>, postId: string, groupId: string, activityUri: string): Promise<void> {
  await insertReblog(trx, { id: newId(), postId, actorId: groupId, activityUri });
}
