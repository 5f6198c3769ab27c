// Groups: creation, lookup, membership across instances, roles, bans and
// invitations (the member list is member-list.service.ts). Membership is a follow of the group actor; the same rules in
// src/domain/group.rules.ts decide for the API and for the inbox.
import type { Transaction } from "kysely";
import { insertFollow, updateFollowActivityUri } from "../../db/repos/follow.repo.ts";
import { deleteBan, deleteInvite, insertBan, insertGroup, insertInvite, setGroupRole } from "../../db/repos/group.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { insertActorKeys, insertLocalActor } from "../../db/repos/user.repo.ts";
import { findGroupByActorId, getMembershipFacts, listGroups as listGroupRows, followedGroups, type GroupWithActor } from "../../db/queries/group.queries.ts";
import type { ActorRow, Database } from "../../db/schema.ts";
import { conflict, forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { keysetPage, type KeysetPage } from "../../domain/keyset-page.ts";
import {
  assertCanChangeRole,
  assertCanModerate,
  isMember,
  joinOutcome,
  normalizeSlug,
  parseJoinPolicy,
  parseVisibility,
  type GroupRole,
  type GroupVisibility,
  type JoinPolicy,
  type Membership,
} from "../../domain/group.rules.ts";
import { newId, newActivityKey } from "../../domain/ids.ts";
import { isListed } from "../../domain/visibility.rules.ts";
import { domainOf, userUri } from "../../domain/uris.ts";
import { requireLocalUserActor, resolveActor, toActorView, type ActorView } from "../accounts/actor.service.ts";
import { notify } from "../notification.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake as commit } from "../commit.ts";
import { answerFollowRequest } from "../accounts/follow-request.ts";
import { canSeeGroup, canSeeGroupContent, groupAnswers, viewerOf } from "../visibility.service.ts";
import { lookupGroup, resolveGroupAccess, type GroupAccess } from "./group-access.ts";
import { gateEmployeeJoin } from "./governance.service.ts";
import { auditActorOf, recordAudit } from "../organizations/audit.service.ts";
import { sharedRoomAdmits } from "./shared-room-admission.ts";
import { endMembership, membershipFrom } from "./membership.ts";
import { generateActorKeyPairs } from "../keys.ts";

export interface GroupView {
  id: string;
  actor: ActorView;
  visibility: GroupVisibility;
  joinPolicy: JoinPolicy;
  /** Questions (Q&A) allowed here: the moderators' switch (for a group elsewhere, its home's). */
  questionsEnabled: boolean;
  /** Members may see the group's insights (else only its moderators; issue 15). */
  membersSeeInsights: boolean;
  local: boolean;
  membership: { state: Membership["state"]; role: GroupRole } | null;
}

export async function membershipOf(ctx: ServiceContext, groupId: string, actorId: string | null): Promise<Membership | null> {
  if (!actorId) return null;
  return membershipFrom(await getMembershipFacts(ctx.db, groupId, actorId));
}

function toGroupView(g: GroupWithActor, membership: Membership | null): GroupView {
  return {
    id: g.actor.id,
    actor: toActorView(g.actor),
    visibility: g.group.visibility,
    joinPolicy: g.group.join_policy,
    questionsEnabled: g.group.questions_enabled,
    membersSeeInsights: g.group.members_see_insights,
    local: g.actor.is_local,
    membership: membership ? { state: membership.state, role: membership.role } : null,
  };
}

export interface CreateGroupInput {
  slug: string;
  name?: string | undefined;
  summary?: string | undefined;
  visibility?: string | undefined;
  joinPolicy?: string | undefined;
}

/** Creates a local group; its creator becomes its owner and first member. */
export async function createGroup(ctx: ServiceContext, creatorUsername: string, input: CreateGroupInput): Promise<GroupView> {
  const creator = await requireLocalUserActor(ctx, creatorUsername);
  const slug = normalizeSlug(input.slug);
  const visibility = parseVisibility(input.visibility ?? "public");
  const joinPolicy = parseJoinPolicy(input.joinPolicy ?? (visibility === "secret" ? "invite" : "open"));
  const keys = await generateActorKeyPairs();
  // Groups and users share one namespace of handles (@name@host).
  const uri = userUri(ctx.origin, slug);
  const actorId = await commit(ctx, async (trx) => {
    const actor = await insertLocalActor(trx, {
      id: newId(),
      uri,
      type: "Group",
      username: slug,
      domain: domainOf(ctx.origin),
      is_local: true,
      name: input.name?.trim() || slug,
      summary: input.summary?.trim() || null,
      icon_url: null,
      url: uri,
      inbox_url: `${uri}/inbox`,
      outbox_url: `${uri}/outbox`,
      followers_url: `${uri}/followers`,
      following_url: `${uri}/following`,
      shared_inbox_url: new URL("/inbox", ctx.origin).href,
      locked: joinPolicy !== "open",
      raw: null,
      fetched_at: null,
      gone_at: null,
    });
    if (!actor) throw conflict(`The name "${slug}" is taken by a user or a group on this instance`);
    await insertActorKeys(trx, actor.id, [
      { algorithm: "rsa", ...keys.rsa },
      { algorithm: "ed25519", ...keys.ed25519 },
    ]);
    await insertGroup(trx, { actorId: actor.id, visibility, joinPolicy, createdBy: creator.id });
    await insertFollow(trx, {
      id: newId(),
      followerId: creator.id,
      followeeId: actor.id,
      state: "accepted",
      activityUri: new URL(`/follows/${newActivityKey()}`, ctx.origin).href,
    });
    await setGroupRole(trx, actor.id, creator.id, "owner");
    return actor.id;
  });
  const created = (await findGroupByActorId(ctx.db, actorId))!;
  return toGroupView(created, { state: "accepted", role: "owner" });
}

/**
 * Finds a group by id, local slug, `@slug@host` handle or URL (see
 * `lookupGroup`). Secret groups are invisible to outsiders.
 */
export async function findGroup(ctx: ServiceContext, ref: string, viewerId: string | null): Promise<GroupWithActor> {
  const group = await lookupGroup(ctx, ref, viewerId);
  if (!(await canSeeGroup(ctx, viewerOf(viewerId), group.actor.id))) throw notFound(`No group ${ref}`);
  return group;
}

/**
 * A group whose content (posts, questions, experts, figures) the viewer may
 * read; 404 otherwise, as for a group that does not exist. A members-only
 * group is visible to all but its content only to members (canSeeGroupContent).
 */
export async function findGroupWithReadableContent(ctx: ServiceContext, ref: string, viewerId: string | null): Promise<GroupWithActor> {
  const group = await findGroup(ctx, ref, viewerId);
  if (!(await canSeeGroupContent(ctx, viewerOf(viewerId), group.actor.id))) throw notFound(`No group ${ref}`);
  return group;
}

export async function getGroup(ctx: ServiceContext, ref: string, viewerId: string | null): Promise<GroupView> {
  return groupViewOf(await resolveGroupAccess(ctx, ref, viewerId));
}

/** The group as pages show it, from the access its request resolved. */
export function groupViewOf(access: GroupAccess): GroupView {
  return toGroupView(access.group, access.membership);
}

/** Listed local groups, plus the secret ones the viewer belongs to, and remote groups they joined. */
export async function listGroups(ctx: ServiceContext, viewerId: string | null, options: { includeSecret?: boolean } = {}): Promise<GroupView[]> {
  return listedOf(ctx, viewerId, await listGroupRows(ctx.db, { localOnly: false }), options);
}

/**
 * One page of the directory (or, for an admin, of this instance's groups),
 * read from the database a page at a time (LIMIT n+1) in name order. Rows the
 * viewer may not see are dropped by the same rule as the whole list, so a
 * page is refilled from the next rows until it is full or the rows run out.
 */
export async function pageGroups(
  ctx: ServiceContext,
  viewerId: string | null,
  options: {
    includeSecret?: boolean;
    localOnly?: boolean;
    after?: string | undefined;
    size: number;
    /** Only the viewer's own groups. */ mine?: boolean;
    /** Only those with this text in their handle, name or description. */ matching?: string;
  },
): Promise<KeysetPage<GroupView>> {
  const found: GroupView[] = [];
  let afterId = options.after;
  // Only rows that may be listed to this viewer are read (ours, and those elsewhere they have a relation to):
  // the instance may know thousands of remote groups, and a refill per 50 of them made the directory 20 reads.
  const relatedTo = options.includeSecret ? undefined : (viewerId ?? undefined);
  const followedBy = options.mine && viewerId ? viewerId : undefined;
  for (;;) {
    const rows = await listGroupRows(ctx.db, {
      localOnly: options.localOnly ?? false,
      afterId,
      limit: options.size + 1,
      relatedTo,
      followedBy,
      matching: options.matching,
    });
    found.push(...(await listedOf(ctx, viewerId, rows, options)).filter((g) => !options.mine || isMember(g.membership)));
    if (found.length > options.size || rows.length <= options.size) break;
    afterId = rows[rows.length - 1]!.actor.id;
  }
  return keysetPage(found, options.size, (g) => g.actor.id);
}

/** The groups among `rows` the directory lists for this viewer (the rule's facts read once for all of them). */
async function listedOf(ctx: ServiceContext, viewerId: string | null, rows: GroupWithActor[], options: { includeSecret?: boolean }): Promise<GroupView[]> {
  const answers = await groupAnswers(
    ctx,
    viewerOf(viewerId),
    rows.map((r) => r.actor.id),
  );
  const views: GroupView[] = [];
  for (const row of rows) {
    const answer = answers.get(row.actor.id);
    const membership = answer?.relation.membership ?? null;
    const visible = answer?.group ?? false;
    // The directory lists our own listed groups, and every group the viewer has a relation to.
    const listed = row.actor.is_local
      ? options.includeSecret || (isListed(row.group.visibility) && visible) || (membership !== null && visible)
      : membership !== null;
    if (listed) views.push(toGroupView(row, membership));
  }
  return views;
}

/** The groups (here or elsewhere) this person belongs to, in name order: read from their memberships, in one statement. */
export async function listMyGroups(ctx: ServiceContext, actorId: string): Promise<GroupView[]> {
  return myGroupsOf(await followedGroups(ctx.db, actorId));
}

/** The first `limit` of them (a sidebar), and whether there are more. */
export async function firstOfMyGroups(ctx: ServiceContext, actorId: string, limit: number): Promise<{ groups: GroupView[]; more: boolean }> {
  const groups = myGroupsOf(await followedGroups(ctx.db, actorId, limit + 1));
  return { groups: groups.slice(0, limit), more: groups.length > limit };
}

function myGroupsOf(rows: Awaited<ReturnType<typeof followedGroups>>): GroupView[] {
  const views: GroupView[] = [];
  for (const row of rows) {
    const membership = membershipFrom(row.facts);
    if (membership?.state === "accepted") views.push(toGroupView(row, membership));
  }
  return views.sort((a, b) => (a.actor.displayName ?? a.actor.username).localeCompare(b.actor.displayName ?? b.actor.username));
}

export interface JoinResult {
  state: "accepted" | "pending";
  /** Set when our own organization's admin must approve first (the partner's join rule). */
  awaiting?: "admin";
  group: GroupView;
}

/** A local user joins a group here or on another instance. */
export async function joinGroup(ctx: ServiceContext, username: string, ref: string): Promise<JoinResult> {
  const user = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, user.id);
  const current = await membershipOf(ctx, group.actor.id, user.id);
  if (current?.state === "accepted") return { state: "accepted", group: toGroupView(group, current) };

  if (group.actor.is_local) {
    const outcome = joinOutcome(group.group.join_policy, current);
    if (outcome === "refused") {
      throw forbidden(current?.state === "banned" ? "You are banned from this group" : "This group is invite-only");
    }
    await commit(ctx, async (trx) => {
      await insertFollow(trx, {
        id: newId(),
        followerId: user.id,
        followeeId: group.actor.id,
        state: outcome,
        activityUri: new URL(`/follows/${newActivityKey()}`, ctx.origin).href,
      });
      if (outcome === "accepted") await deleteInvite(trx, group.actor.id, user.id);
      else if (current?.state !== "pending") await notify(trx, { recipientId: group.actor.id, type: "follow_request", fromId: user.id });
    });
    return { state: outcome, group: toGroupView(group, await membershipOf(ctx, group.actor.id, user.id)) };
  }

  // Our organization's rule for groups hosted by that one may hold the join for an admin.
  if ((await gateEmployeeJoin(ctx, user, group.actor)) === "held") {
    return { state: "pending", awaiting: "admin", group: toGroupView(group, current) };
  }
  await requestRemoteMembership(ctx, user.id, group.actor.id);
  return { state: "pending", group: toGroupView(group, await membershipOf(ctx, group.actor.id, user.id)) };
}

/** Asks a remote group to admit a local member; the group answers our Follow with Accept or Reject. */
export async function requestRemoteMembership(ctx: ServiceContext, memberId: string, groupId: string): Promise<void> {
  await commit(ctx, async (trx) => {
    const id = newId();
    const { row, created } = await insertFollow(trx, {
      id,
      followerId: memberId,
      followeeId: groupId,
      state: "pending",
      activityUri: new URL(`/follows/${id}`, ctx.origin).href,
    });
    if (created) {
      await recordOutboxEvent(trx, { type: "follow.requested", followId: row.id });
    } else if (row.state === "pending") {
      // Asked again while the group has not answered: a new Follow id, so the
      // group's instance does not drop it as a repeat of the one it may have
      // refused (its idempotence record), and a late Reject of that one is
      // recognised as stale (receiveFollowRejected).
      await updateFollowActivityUri(trx, row.id, new URL(`/follows/${newId()}`, ctx.origin).href);
      await recordOutboxEvent(trx, { type: "follow.requested", followId: row.id });
    }
  });
}

export async function leaveGroup(ctx: ServiceContext, username: string, ref: string): Promise<void> {
  const user = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, user.id);
  const facts = await getMembershipFacts(ctx.db, group.actor.id, user.id);
  if (!facts.followId) throw notFound("You are not a member of this group");
  await commit(ctx, async (trx) => {
    await endMembership(trx, { id: facts.followId!, followerId: user.id, followeeId: group.actor.id });
    if (!group.actor.is_local) {
      await recordOutboxEvent(trx, {
        type: "follow.undone",
        followActivityUri: facts.followActivityUri!,
        followerId: user.id,
        followeeUri: group.actor.uri,
      });
    }
  });
}

async function requireModerator(ctx: ServiceContext, username: string, ref: string) {
  const moderator = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, moderator.id);
  if (!group.actor.is_local) throw validationFailed("Moderate a remote group on its own instance");
  const membership = await membershipOf(ctx, group.actor.id, moderator.id);
  assertCanModerate(membership);
  return { moderator, group, membership: membership! };
}

export async function approveJoinRequest(ctx: ServiceContext, username: string, ref: string, requestId: string): Promise<void> {
  const { group, moderator } = await requireModerator(ctx, username, ref);
  await commit(ctx, async (trx) => {
    const member = await answerFollowRequest(trx, group.actor.id, requestId, true, "join request");
    await audit(trx, moderator, "group.join_approved", member, group.actor.id);
  });
}

export async function rejectJoinRequest(ctx: ServiceContext, username: string, ref: string, requestId: string): Promise<void> {
  const { group, moderator } = await requireModerator(ctx, username, ref);
  await commit(ctx, async (trx) => {
    const member = await answerFollowRequest(trx, group.actor.id, requestId, false, "join request");
    await audit(trx, moderator, "group.join_rejected", member, group.actor.id);
  });
}

export async function inviteToGroup(ctx: ServiceContext, username: string, ref: string, target: string): Promise<void> {
  const { moderator, group } = await requireModerator(ctx, username, ref);
  const invitee = await resolveActor(ctx, target);
  if (!(await sharedRoomAdmits(ctx, group.actor.id, invitee.domain))) {
    throw forbidden(`This shared room does not admit people of ${invitee.domain}; invite their organization first`);
  }
  await commit(ctx, async (trx) => {
    await insertInvite(trx, group.actor.id, invitee.id, moderator.id);
    await audit(trx, moderator, "group.invited", invitee, group.actor.id);
    if (!invitee.is_local) {
      await recordOutboxEvent(trx, { type: "group.invited", groupId: group.actor.id, inviteeId: invitee.id });
    }
  });
}

/** Bans a member: they leave, their posts are refused, deliveries to them stop. */
export async function banFromGroup(ctx: ServiceContext, username: string, ref: string, target: string, reason?: string) {
  const { group, moderator } = await requireModerator(ctx, username, ref);
  const member = await resolveActor(ctx, target);
  const targetMembership = await membershipOf(ctx, group.actor.id, member.id);
  if (targetMembership?.role === "owner") throw forbidden("An owner cannot be banned");
  const facts = await getMembershipFacts(ctx.db, group.actor.id, member.id);
  await commit(ctx, async (trx) => {
    await insertBan(trx, group.actor.id, member.id, reason ?? null);
    await audit(trx, moderator, "group.banned", member, group.actor.id, { reason: reason ?? null });
    if (facts.followId) await endMembership(trx, { id: facts.followId, followerId: member.id, followeeId: group.actor.id });
    // A pending or invited member may hold no follow: the role goes all the same.
    else await setGroupRole(trx, group.actor.id, member.id, "member");
    if (!member.is_local) await recordOutboxEvent(trx, { type: "group.banned", groupId: group.actor.id, memberId: member.id });
  });
}

export async function unbanFromGroup(ctx: ServiceContext, username: string, ref: string, target: string) {
  const { group, moderator } = await requireModerator(ctx, username, ref);
  const member = await resolveActor(ctx, target);
  await commit(ctx, async (trx) => {
    await deleteBan(trx, group.actor.id, member.id);
    await audit(trx, moderator, "group.unbanned", member, group.actor.id);
    if (!member.is_local) await recordOutboxEvent(trx, { type: "group.unbanned", groupId: group.actor.id, memberId: member.id });
  });
}

export async function setMemberRole(ctx: ServiceContext, username: string, ref: string, target: string, role: string) {
  if (!["owner", "moderator", "member"].includes(role)) throw validationFailed(`Role "${role}" is not one of owner, moderator, member`);
  const { group, membership, moderator } = await requireModerator(ctx, username, ref);
  const member = await resolveActor(ctx, target);
  const targetMembership = await membershipOf(ctx, group.actor.id, member.id);
  assertCanChangeRole(membership, targetMembership, role as GroupRole);
  await commit(ctx, async (trx) => {
    await setGroupRole(trx, group.actor.id, member.id, role as GroupRole);
    await audit(trx, moderator, "group.role_changed", member, group.actor.id, { role });
    await recordOutboxEvent(trx, {
      type: "group.role_changed",
      groupId: group.actor.id,
      memberId: member.id,
      moderator: role === "owner" || role === "moderator",
    });
  });
}

/** Every moderator action goes to the audit log, in the action's transaction. */
async function audit(
  trx: Transaction<Database>,
  moderator: ActorRow,
  action: string,
  target: ActorRow | undefined,
  groupId: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await recordAudit(trx, auditActorOf(moderator), {
    action,
    target: target ? `@${target.username}@${target.domain}` : null,
    groupId,
    details: details ?? null,
  });
}

export type { GroupWithActor };
