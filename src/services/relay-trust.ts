// When a remote group relays (Announce) an activity of one of its members,
// we take the member's activity on the group's word — so the group's word
// must be limited to what is its business: a group one of our people
// belongs to, about its own posts, never speaking for our own users, and
// never minting ids on someone else's server.
import { hasLocalMember } from "../db/queries/group.queries.ts";
import { findPostByUri } from "../db/repos/post.repo.ts";
import type { ActorRow } from "../db/schema.ts";
import type { ServiceContext } from "./context.ts";

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** May `group` relay activities by `actor` to us at all? */
export async function mayRelay(ctx: ServiceContext, group: ActorRow, actor: ActorRow, activityUri: string): Promise<boolean> {
  if (group.type !== "Group" || group.is_local || actor.is_local) return false;
  if (!sameOrigin(activityUri, actor.uri)) return false;
  return hasLocalMember(ctx.db, group.id);
}

/** Is the post (when we have it) in this group? A relay may only touch the group's own posts. */
export async function isPostOfGroup(ctx: ServiceContext, postUri: string, group: ActorRow): Promise<boolean> {
  const post = await findPostByUri(ctx.db, postUri);
  return post !== undefined && post.group_id === group.id;
}

export { sameOrigin };
