// Shared rooms: which organizations a room of ours admits, and the
// invitations of other instances' rooms our admin answers.
import type { Kysely, Selectable, Transaction } from "kysely";
import type { ActorRow, Database, RoomInvitationsTable, RoomOrganizationsTable } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type RoomOrganizationRow = Selectable<RoomOrganizationsTable>;
export type RoomInvitationRow = Selectable<RoomInvitationsTable>;

export async function listRoomOrganizations(db: Db, groupId: string): Promise<RoomOrganizationRow[]> {
  return db.selectFrom("room_organizations").selectAll().where("group_id", "=", groupId).orderBy("domain").execute();
}

export async function listAllRoomOrganizations(db: Db): Promise<RoomOrganizationRow[]> {
  return db.selectFrom("room_organizations").selectAll().orderBy("group_id").orderBy("domain").execute();
}

export async function upsertRoomOrganization(db: Db, groupId: string, domain: string, inviteUri: string): Promise<void> {
  await db
    .insertInto("room_organizations")
    .values({ group_id: groupId, domain, state: "invited", invite_uri: inviteUri })
    .onConflict((oc) => oc.columns(["group_id", "domain"]).doUpdateSet({ state: "invited", invite_uri: inviteUri, updated_at: new Date() }))
    .execute();
}

export async function findRoomOrganizationByInvite(db: Db, inviteUri: string): Promise<RoomOrganizationRow | undefined> {
  return db.selectFrom("room_organizations").selectAll().where("invite_uri", "=", inviteUri).executeTakeFirst();
}

export async function setRoomOrganizationState(db: Db, groupId: string, domain: string, state: RoomOrganizationRow["state"]): Promise<void> {
  await db.updateTable("room_organizations").set({ state, updated_at: new Date() }).where("group_id", "=", groupId).where("domain", "=", domain).execute();
}

/** Accepted members of a group from one domain (they lose access when their organization leaves). */
/** A group's memberships with what ending one needs: the follow, its activity, the member and where they live. */
function membershipsOf(db: Db, groupId: string) {
  return db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select(["follows.id as follow_id", "follows.activity_uri", "actors.id as member_id", "actors.uri as member_uri", "actors.is_local"])
    .where("follows.followee_id", "=", groupId);
}

export async function findMembersOnDomain(db: Db, groupId: string, domain: string) {
  return membershipsOf(db, groupId).where("actors.domain", "=", domain).execute();
}

/** Memberships held by people of any domain but these (the room's home and its listed organizations). */
export async function findMembersOutsideDomains(db: Db, groupId: string, domains: string[]) {
  return membershipsOf(db, groupId).where("actors.domain", "not in", domains).execute();
}

export async function insertRoomInvitation(db: Db, row: { id: string; invite_uri: string; group_id: string }): Promise<void> {
  await db
    .insertInto("room_invitations")
    .values({ ...row, state: "pending" })
    .onConflict((oc) => oc.column("invite_uri").doNothing())
    .execute();
}

export async function findRoomInvitation(db: Db, id: string): Promise<RoomInvitationRow | undefined> {
  return db.selectFrom("room_invitations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function setRoomInvitationState(db: Db, id: string, state: RoomInvitationRow["state"]): Promise<void> {
  await db.updateTable("room_invitations").set({ state, updated_at: new Date() }).where("id", "=", id).execute();
}

export async function listRoomInvitations(db: Db): Promise<Array<RoomInvitationRow & { group: ActorRow }>> {
  const rows = await db.selectFrom("room_invitations").selectAll().orderBy("created_at", "desc").execute();
  const ids = [...new Set(rows.map((r) => r.group_id))];
  const groups = ids.length ? await db.selectFrom("actors").selectAll().where("id", "in", ids).execute() : [];
  const byId = new Map(groups.map((g) => [g.id, g]));
  return rows.filter((r) => byId.has(r.group_id)).map((r) => ({ ...r, group: byId.get(r.group_id)! }));
}

/** Local members of a remote group (they lose access when we leave the room). */
export async function findLocalMembershipsOf(db: Db, groupId: string) {
  return db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select(["follows.id as follow_id", "follows.activity_uri", "actors.id as member_id"])
    .where("follows.followee_id", "=", groupId)
    .where("actors.is_local", "=", true)
    .execute();
}
