// Groups: the group row beside its actor, roles, bans and invitations.
// Membership itself is a follow of the group actor (follows table).
import type { Kysely, Transaction } from "kysely";
import type { Database, GroupRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertGroup(
  db: Db,
  group: { actorId: string; visibility: GroupRow["visibility"]; joinPolicy: GroupRow["join_policy"]; createdBy: string | null },
): Promise<void> {
  await db
    .insertInto("groups")
    .values({ actor_id: group.actorId, visibility: group.visibility, join_policy: group.joinPolicy, created_by: group.createdBy })
    .onConflict((oc) => oc.column("actor_id").doNothing())
    .execute();
}

export async function updateGroupSettings(
  db: Db,
  actorId: string,
  changes: Partial<Pick<GroupRow, "visibility" | "join_policy" | "questions_enabled" | "members_see_insights">>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable("groups").set(changes).where("actor_id", "=", actorId).execute();
}

export async function setGroupRole(db: Db, groupId: string, memberId: string, role: "owner" | "moderator" | "member") {
  if (role === "member") {
    await db.deleteFrom("group_roles").where("group_id", "=", groupId).where("member_id", "=", memberId).execute();
    return;
  }
  await db
    .insertInto("group_roles")
    .values({ group_id: groupId, member_id: memberId, role })
    .onConflict((oc) => oc.columns(["group_id", "member_id"]).doUpdateSet({ role }))
    .execute();
}

export async function insertBan(db: Db, groupId: string, memberId: string, reason: string | null) {
  await db
    .insertInto("group_bans")
    .values({ group_id: groupId, member_id: memberId, reason })
    .onConflict((oc) => oc.columns(["group_id", "member_id"]).doNothing())
    .execute();
}

export async function deleteBan(db: Db, groupId: string, memberId: string) {
  await db.deleteFrom("group_bans").where("group_id", "=", groupId).where("member_id", "=", memberId).execute();
}

export async function insertInvite(db: Db, groupId: string, inviteeId: string, invitedBy: string | null) {
  await db
    .insertInto("group_invites")
    .values({ group_id: groupId, invitee_id: inviteeId, invited_by: invitedBy })
    .onConflict((oc) => oc.columns(["group_id", "invitee_id"]).doNothing())
    .execute();
}

export async function deleteInvite(db: Db, groupId: string, inviteeId: string) {
  await db.deleteFrom("group_invites").where("group_id", "=", groupId).where("invitee_id", "=", inviteeId).execute();
}
