// Who a group's members are: its member list and join requests (a page at a
// time, or whole for the Ecotone API), its moderators for the moderators
// collection, and how many owners it has. Who may read the list is the
// visibility rule's (canSeeMemberList, access.may.memberList).
import {
  countMembers,
  countOwners,
  listMembers as listMemberRows,
  listModerators as listModeratorRows,
  type GroupWithActor,
  type MemberEntry,
} from "../../db/queries/group.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";
import { keysetPage, type KeysetPage } from "../../domain/keyset-page.ts";
import { assertCanModerate, isMember, type GroupRole, type Membership } from "../../domain/group.rules.ts";
import { toActorView, type ActorView } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { canSeeMemberList, viewerOf } from "../visibility.service.ts";
import type { GroupAccess } from "./group-access.ts";
import { findGroup, membershipOf } from "./group.service.ts";
import { homeMembers, homeMembersPage, homeModeratorUris } from "./remote-members.service.ts";

export interface MemberView {
  actor: ActorView;
  role: GroupRole;
  state: "pending" | "accepted";
  requestId: string;
}

/** The member list (and, for moderators, the pending requests). */
export async function listMembers(
  ctx: ServiceContext,
  ref: string,
  viewerId: string | null,
  state: "accepted" | "pending" = "accepted",
): Promise<MemberView[]> {
  const group = await memberListOf(ctx, ref, viewerId, state);
  const home = await homeMemberList(ctx, group, state);
  if (home) return home;
  const rows = await listMemberRows(ctx.db, group.actor.id, state);
  return rows.map(toMemberView);
}

/**
 * One page of a group's members (or join requests) and how many there are in
 * all, for the request that resolved `access`, read a page at a time (LIMIT
 * n+1) after the request id `after`. A group elsewhere is listed by its home a
 * page at a time, as the home pages it (`after` then names the home's next
 * page; ADR 0116). 404 unless the rule lets the viewer read the member list;
 * requests only for its moderators.
 */
export async function pageMembersOf(
  ctx: ServiceContext,
  access: GroupAccess,
  state: "accepted" | "pending",
  page: { after: string | undefined; size: number },
): Promise<MemberPage> {
  if (!access.may.memberList) throw notFound(`No group ${access.ref}`);
  if (state === "pending") assertCanModerate(access.membership);
  const { group } = access;
  const remote = state === "accepted" && !group.actor.is_local && isMember(access.membership);
  const [home, moderators] = remote ? await Promise.all([homeMembersPage(ctx, group.actor, page.after), homeModeratorUris(ctx, group.actor)]) : [null, null];
  if (home) {
    const items = home.actors.map((actor) => remoteMemberView(actor, moderators));
    return { items, next: home.next, total: home.total ?? items.length, rolesKnown: moderators !== null };
  }
  const [rows, total] = await Promise.all([
    listMemberRows(ctx.db, group.actor.id, state, { afterFollowId: page.after, limit: page.size + 1 }),
    countMembers(ctx.db, group.actor.id, state),
  ]);
  // The members we know of a group elsewhere (its home not asked, or not answering): their roles are the home's, not known here.
  return { ...keysetPage(rows.map(toMemberView), page.size, (m) => m.requestId), total, rolesKnown: group.actor.is_local };
}

/** A page of members, and whether their roles are known (ours; a group elsewhere whose home names its moderators). */
export type MemberPage = KeysetPage<MemberView> & { total: number; rolesKnown: boolean };

/** The group, when this viewer may read its member list (and, for requests, moderates it). */
async function memberListOf(
  ctx: ServiceContext,
  ref: string,
  viewerId: string | null,
  state: "accepted" | "pending",
): Promise<GroupWithActor & { membership: Membership | null }> {
  const group = await findGroup(ctx, ref, viewerId);
  const membership = await membershipOf(ctx, group.actor.id, viewerId);
  if (!(await canSeeMemberList(ctx, viewerOf(viewerId), group.actor.id))) throw notFound(`No group ${ref}`);
  if (state === "pending") assertCanModerate(membership);
  return { ...group, membership };
}

/** A group elsewhere: its home's list is the whole one (we know only the members we met). */
async function homeMemberList(
  ctx: ServiceContext,
  group: GroupWithActor & { membership: Membership | null },
  state: "accepted" | "pending",
): Promise<MemberView[] | null> {
  const home = state === "accepted" && !group.actor.is_local && isMember(group.membership) ? await homeMembers(ctx, group.actor) : null;
  return home ? home.map((actor) => remoteMemberView(actor)) : null;
}

/**
 * A member as the home lists them: a moderator when the home's moderators
 * collection names them (it does not tell owners from moderators), else a
 * member (also when the home names no moderators: `rolesKnown` says so).
 */
function remoteMemberView(actor: ActorRow, moderators: Set<string> | null = null): MemberView {
  return { actor: toActorView(actor), role: moderators?.has(actor.uri) ? "moderator" : "member", state: "accepted", requestId: "" };
}

function toMemberView(r: MemberEntry): MemberView {
  return { actor: toActorView(r.actor), role: r.role, state: r.state, requestId: r.followId };
}

/** URIs of a group's owners and moderators, for the moderators collection. */
export async function moderatorUris(ctx: ServiceContext, groupId: string): Promise<string[]> {
  return (await listModeratorRows(ctx.db, groupId)).map((m) => m.uri);
}

/** How many of the group's members own it (the last owner may not leave). */
export async function ownerCount(ctx: ServiceContext, groupId: string): Promise<number> {
  return countOwners(ctx.db, groupId);
}
