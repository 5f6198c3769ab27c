// When a remote group relays (Announce) an activity of one of its members,
// we take the member's activity on the group's word — so the group's word
// must be limited to what is its business (src/domain/trust.rules.ts says
// which): a group one of our people belongs to, about its own posts, never
// speaking for our own users, and never minting ids on someone else's server.
import { hasLocalMember } from "../../db/queries/group.queries.ts";
import { findPostByUri } from "../../db/repos/post.repo.ts";
import type { ActorRow } from "../../db/schema.ts";
import { relayRefusal } from "../../domain/trust.rules.ts";
import type { ServiceContext } from "../context.ts";

/** Why `group` may not relay this activity by `actor` to us; null when it may. */
export async function whyNotRelay(
  ctx: ServiceContext,
  group: ActorRow,
  actor: Pick<ActorRow, "uri" | "is_local">,
  activityUri: string,
): Promise<string | null> {
  return relayRefusal({
    group: { type: group.type, isLocal: group.is_local, uri: group.uri },
    groupHasLocalMember: group.type === "Group" && !group.is_local && (await hasLocalMember(ctx.db, group.id)),
    actor: { isLocal: actor.is_local, uri: actor.uri },
    activityUri,
  });
}

/** Is the post (when we have it) in this group? A relay may only touch the group's own posts. */
export async function isPostOfGroup(ctx: ServiceContext, postUri: string, group: ActorRow): Promise<boolean> {
  const post = await findPostByUri(ctx.db, postUri);
  return post !== undefined && post.group_id === group.id;
}
