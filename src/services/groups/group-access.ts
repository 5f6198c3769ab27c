// One group as one request sees it: the group found once, and the viewer's
// relation and the visibility rule's answers decided once, then handed to
// every service the page calls (its posts, task activity, companies), which
// used to find the group and read the viewer's relation again each. It lives
// only as long as the request that made it: nothing keeps it, so it cannot
// serve rights that have since changed.
import { findGroupByActorId, type GroupWithActor } from "../../db/queries/group.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";
import type { Membership } from "../../domain/group.rules.ts";
import { domainOf } from "../../domain/uris.ts";
import { getActorById, resolveActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { groupAnswers, viewerOf, type GroupAnswers } from "../visibility.service.ts";
import { ensureGroupRow } from "./group-cache.ts";

export interface GroupAccess {
  /** How the request named the group (for its error messages and links). */
  readonly ref: string;
  readonly group: GroupWithActor;
  readonly viewerId: string | null;
  /** The viewer's membership (null for none, or for an anonymous viewer). */
  readonly membership: Membership | null;
  /** The one visibility rule's answers for this viewer (the group itself is visible, or there is no access). */
  readonly may: Omit<GroupAnswers, "relation" | "group">;
}

/**
 * Finds a group by id, local slug, `@slug@host` handle or URL, without asking
 * who may see it (callers do: `findGroup`, `resolveGroupAccess`); remote
 * groups are fetched and cached when a signed-in viewer asks (an anonymous
 * one gets only groups known here).
 */
export async function lookupGroup(ctx: ServiceContext, ref: string, viewerId: string | null): Promise<GroupWithActor> {
  let group: GroupWithActor | undefined;
  if (/^\d{19}$/.test(ref)) {
    group = await findGroupByActorId(ctx.db, ref);
    const actor = group ? null : await getActorById(ctx, ref);
    if (actor?.type === "Group" && !actor.is_local) {
      await ensureGroupRow(ctx.db, actor);
      group = await findGroupByActorId(ctx.db, ref);
    }
  }
  if (!group) {
    const target = ref.includes("@") || ref.includes("://") ? ref : `@${ref}@${domainOf(ctx.origin)}`;
    let actor: ActorRow;
    try {
      // Only a signed-in viewer makes us fetch (and store) a group we do not know.
      actor = await resolveActor(ctx, target, { fetch: viewerId !== null });
    } catch (error) {
      if ((error as { code?: string }).code === "not_found") throw notFound(`No group ${ref}`);
      throw error;
    }
    if (actor.type !== "Group") throw notFound(`${ref} is not a group`);
    if (!actor.is_local) await ensureGroupRow(ctx.db, actor);
    group = await findGroupByActorId(ctx.db, actor.id);
  }
  if (!group) throw notFound(`No group ${ref}`);
  return group;
}

/** The group and what this viewer may do with it, for one request; 404 when the rule hides the group itself (as if it did not exist). */
export async function resolveGroupAccess(ctx: ServiceContext, ref: string, viewerId: string | null): Promise<GroupAccess> {
  const group = await lookupGroup(ctx, ref, viewerId);
  const answers = (await groupAnswers(ctx, viewerOf(viewerId), [group.actor.id])).get(group.actor.id);
  if (!answers?.group) throw notFound(`No group ${ref}`);
  return { ref, group, viewerId, membership: answers.relation.membership, may: { content: answers.content, memberList: answers.memberList } };
}

/** The access, if the viewer may read the group's content; 404 otherwise (as `findGroupWithReadableContent`). */
export function requireReadableContent(access: GroupAccess): GroupAccess {
  if (!access.may.content) throw notFound(`No group ${access.ref}`);
  return access;
}
