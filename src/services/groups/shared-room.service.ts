// Shared rooms: a private network between named companies. A room of ours
// lists the organizations it admits; each is invited at the organization
// level (an Invite to its instance actor) and is in only once its admin
// accepted on their own instance. Either side can leave: the home removes that
// organization's people, who lose access on every instance. Who a room admits
// is in shared-room-admission.ts (group and follow services ask it too).
import type { Transaction } from "kysely";
import { deleteFollow } from "../../db/repos/follow.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findOrganization } from "../../db/repos/organization.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import {
  findLocalMembershipsOf,
  findMembersOnDomain,
  findMembersOutsideDomains,
  findRoomInvitation,
  findRoomOrganizationByInvite,
  insertRoomInvitation,
  listAllRoomOrganizations,
  listRoomInvitations,
  listRoomOrganizations,
  setRoomInvitationState,
  setRoomOrganizationState,
  upsertRoomOrganization,
} from "../../db/repos/shared-room.repo.ts";
import type { ActorRow, Database } from "../../db/schema.ts";
import { forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { normalizeHost } from "../../domain/federation-policy.rules.ts";
import { assertCanModerate, isMember } from "../../domain/group.rules.ts";
import { newId } from "../../domain/ids.ts";
import { domainOf } from "../../domain/uris.ts";
import { requireLocalUserActor, toActorView, type ActorView } from "../accounts/actor.service.ts";
import { auditActorOf, recordAudit, requireAdmin, type AuditActor } from "../organizations/audit.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake as commit } from "../commit.ts";
import { ensureGroupRow } from "./group-cache.ts";
import { findGroup, membershipOf } from "./group.service.ts";
import { endMembership } from "./membership.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { organizationsByDomain, type Organization } from "../organizations/organization.service.ts";

export interface RoomOrganizationView {
  organization: Organization;
  state: "invited" | "accepted" | "declined" | "left" | "home";
}

async function requireRoomModerator(ctx: ServiceContext, username: string, ref: string) {
  const moderator = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, moderator.id);
  if (!group.actor.is_local) throw validationFailed("Change a shared room on its home instance");
  assertCanModerate(await membershipOf(ctx, group.actor.id, moderator.id));
  return { moderator, group };
}

/** The room's owners invite an organization; its admin accepts or declines on their own instance. */
export async function inviteOrganization(ctx: ServiceContext, username: string, ref: string, rawDomain: string): Promise<RoomOrganizationView[]> {
  const { moderator, group } = await requireRoomModerator(ctx, username, ref);
  const domain = normalizeHost(rawDomain);
  if (domain === domainOf(ctx.origin)) throw validationFailed("This instance's organization is the room's home; invite another one");
  if (group.group.visibility === "public") {
    throw validationFailed("A public group is open to everyone; make the shared room members-only or secret");
  }
  const inviteUri = new URL(`/rooms/${group.actor.id}/invites/${newId()}`, ctx.origin).href;
  await commit(ctx, async (trx) => {
    await upsertRoomOrganization(trx, group.actor.id, domain, inviteUri);
    await removeUnlistedMembers(trx, group.actor);
    await recordOutboxEvent(trx, { type: "room.org_invited", groupId: group.actor.id, domain, inviteUri });
    await recordAudit(trx, auditActorOf(moderator), { action: "room.org_invited", target: domain, groupId: group.actor.id });
  });
  return roomOrganizations(ctx, group.actor.id);
}

/** The home removes an organization from the room: its people are out at once. */
export async function removeOrganization(ctx: ServiceContext, username: string, ref: string, rawDomain: string): Promise<void> {
  const { moderator, group } = await requireRoomModerator(ctx, username, ref);
  const domain = normalizeHost(rawDomain);
  const rows = await listRoomOrganizations(ctx.db, group.actor.id);
  if (!rows.some((r) => r.domain === domain)) throw notFound(`${domain} is not listed in this room`);
  await commit(ctx, async (trx) => {
    await setRoomOrganizationState(trx, group.actor.id, domain, "left");
    await removeMembersFrom(trx, group.actor, domain);
    await recordAudit(trx, auditActorOf(moderator), { action: "room.org_removed", target: domain, groupId: group.actor.id });
  });
}

/** Ends the memberships of an organization's people; their instances hear a Reject of their Follow. */
async function removeMembersFrom(trx: Transaction<Database>, group: ActorRow, domain: string): Promise<void> {
  await endMemberships(trx, group, await findMembersOnDomain(trx, group.id, domain));
}

/**
 * Once a group is a room, people of organizations it does not list are out:
 * their memberships end here, and their instances hear a Reject of the Follow,
 * so those instances stop showing the room's earlier posts too (their copy of
 * the group has no room facts; only the membership tells them).
 */
async function removeUnlistedMembers(trx: Transaction<Database>, group: ActorRow): Promise<void> {
  const listed = (await listRoomOrganizations(trx, group.id)).filter((r) => r.state === "invited" || r.state === "accepted").map((r) => r.domain);
  await endMemberships(trx, group, await findMembersOutsideDomains(trx, group.id, [group.domain, ...listed]));
}

type Membership = Awaited<ReturnType<typeof findMembersOnDomain>>[number];

async function endMemberships(trx: Transaction<Database>, group: ActorRow, memberships: Membership[]): Promise<void> {
  for (const m of memberships) {
    await endMembership(trx, { id: m.follow_id, followerId: m.member_id, followeeId: group.id });
    if (!m.is_local) {
      await recordOutboxEvent(trx, { type: "follow.rejected", followActivityUri: m.activity_uri, followerUri: m.member_uri, followeeId: group.id });
    }
  }
}

export async function roomOrganizations(ctx: ServiceContext, groupId: string): Promise<RoomOrganizationView[]> {
  const rows = await listRoomOrganizations(ctx.db, groupId);
  const own = domainOf(ctx.origin);
  const orgs = await organizationsByDomain(ctx, [own, ...rows.map((r) => r.domain)]);
  return [{ organization: orgs.get(own)!, state: "home" as const }, ...rows.map((r) => ({ organization: orgs.get(r.domain)!, state: r.state }))];
}

export async function listRoomOrganizationsFor(ctx: ServiceContext, username: string, ref: string): Promise<RoomOrganizationView[]> {
  const viewer = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, viewer.id);
  if (!group.actor.is_local) throw validationFailed("Ask the room's home instance for its organizations");
  if (!isMember(await membershipOf(ctx, group.actor.id, viewer.id)) && viewer.role !== "admin") {
    throw notFound(`No group ${ref}`);
  }
  return roomOrganizations(ctx, group.actor.id);
}

// ---- The invited side -------------------------------------------------------

/** Another instance's room invites our organization (its group signed the Invite). */
export async function receiveRoomInvitation(ctx: ServiceContext, activity: IncomingActivity, group: ActorRow): Promise<void> {
  if (group.type !== "Group" || group.is_local || new URL(activity.uri).host !== group.domain) return;
  await ensureGroupRow(ctx.db, group);
  await applyOnce(ctx, activity, async (trx) => {
    await insertRoomInvitation(trx, { id: newId(), invite_uri: activity.uri, group_id: group.id });
  });
  ctx.logger.info({ group: group.uri }, "our organization was invited to a shared room");
}

export interface RoomInvitationView {
  id: string;
  group: ActorView;
  state: "pending" | "accepted" | "declined" | "left";
  invitedAt: string;
}

export interface SharedRoomsView {
  /** Rooms of ours, with the organizations they list. */
  hosted: Array<{ group: ActorView; organizations: RoomOrganizationView[] }>;
  /** Rooms elsewhere that invited our organization. */
  invitations: RoomInvitationView[];
}

export async function listSharedRooms(ctx: ServiceContext, adminUsername: string): Promise<SharedRoomsView> {
  await requireAdmin(ctx, adminUsername);
  const groupIds = [...new Set((await listAllRoomOrganizations(ctx.db)).map((r) => r.group_id))];
  const hosted = [];
  for (const id of groupIds) {
    const group = await findActorById(ctx.db, id);
    if (group) hosted.push({ group: toActorView(group), organizations: await roomOrganizations(ctx, id) });
  }
  const invitations = (await listRoomInvitations(ctx.db)).map((r) => ({
    id: r.id,
    group: toActorView(r.group),
    state: r.state,
    invitedAt: r.created_at.toISOString(),
  }));
  return { hosted, invitations };
}

/** Our admin accepts or declines a room invitation, or leaves a room accepted before. */
export async function answerRoomInvitation(
  ctx: ServiceContext,
  adminUsername: string,
  id: string,
  answer: "accept" | "decline" | "leave",
): Promise<RoomInvitationView> {
  const by: AuditActor = await requireAdmin(ctx, adminUsername);
  const invitation = await findRoomInvitation(ctx.db, id);
  if (!invitation) throw notFound(`No shared-room invitation ${id}`);
  const allowed = answer === "leave" ? invitation.state === "accepted" : invitation.state === "pending";
  if (!allowed) throw forbidden(`This invitation is ${invitation.state}; it cannot be ${answer === "leave" ? "left" : `${answer}ed`}`);
  const state = answer === "accept" ? "accepted" : answer === "decline" ? "declined" : "left";
  await commit(ctx, async (trx) => {
    await setRoomInvitationState(trx, id, state);
    await recordOutboxEvent(trx, { type: "room.invitation_answered", invitationId: id, accepted: answer === "accept" });
    if (answer === "leave") {
      // Our people are out of the room here at once; the home removes them there.
      for (const m of await findLocalMembershipsOf(trx, invitation.group_id)) await deleteFollow(trx, m.follow_id);
    }
    await recordAudit(trx, by, {
      action: `room.${answer === "accept" ? "accepted" : answer === "decline" ? "declined" : "left"}`,
      target: invitation.invite_uri,
      groupId: invitation.group_id,
    });
  });
  const group = (await findActorById(ctx.db, invitation.group_id))!;
  return { id, group: toActorView(group), state, invitedAt: invitation.created_at.toISOString() };
}

/**
 * The invited organization's instance actor answered our Invite. Returns false
 * when the activity is not about one of our room invitations.
 */
export async function receiveRoomAnswer(ctx: ServiceContext, activity: IncomingActivity, inviteUri: string, accepted: boolean): Promise<boolean> {
  const row = await findRoomOrganizationByInvite(ctx.db, inviteUri);
  if (!row) return false;
  // Only that organization's own instance actor (the one the Invite went to) speaks for it,
  // not any account on its domain.
  if (new URL(activity.actorUri).host !== row.domain) return true;
  if ((await findOrganization(ctx.db, row.domain))?.actor_uri !== activity.actorUri) return true;
  const group = await findActorById(ctx.db, row.group_id);
  if (!group) return true;
  await applyOnce(ctx, activity, async (trx) => {
    if (accepted && row.state === "invited") await setRoomOrganizationState(trx, row.group_id, row.domain, "accepted");
    if (!accepted && row.state !== "left") {
      await setRoomOrganizationState(trx, row.group_id, row.domain, row.state === "accepted" ? "left" : "declined");
      await removeMembersFrom(trx, group, row.domain);
    }
  });
  ctx.onOutboxEvent?.();
  return true;
}
