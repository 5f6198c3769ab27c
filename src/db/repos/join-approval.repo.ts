// Employees' joins of groups hosted elsewhere, held for an admin's decision.
import type { Kysely, Selectable, Transaction } from "kysely";
import type { ActorRow, Database, JoinApprovalsTable } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type JoinApprovalRow = Selectable<JoinApprovalsTable>;

/** Holds a join; a second request for the same pair while one waits is the same request. */
export async function insertPendingApproval(db: Db, id: string, memberId: string, groupId: string): Promise<void> {
  const waiting = await db
    .selectFrom("join_approvals")
    .select("id")
    .where("member_id", "=", memberId)
    .where("group_id", "=", groupId)
    .where("state", "=", "pending")
    .executeTakeFirst();
  if (waiting) return;
  await db.insertInto("join_approvals").values({ id, member_id: memberId, group_id: groupId, state: "pending" }).execute();
}

export async function findApproval(db: Db, id: string): Promise<JoinApprovalRow | undefined> {
  return db.selectFrom("join_approvals").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function decideApproval(db: Db, id: string, state: "approved" | "denied", decidedBy: string): Promise<boolean> {
  const result = await db
    .updateTable("join_approvals")
    .set({ state, decided_by: decidedBy, decided_at: new Date() })
    .where("id", "=", id)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listPendingApprovals(db: Db): Promise<Array<{ approval: JoinApprovalRow; member: ActorRow; group: ActorRow }>> {
  const rows = await db.selectFrom("join_approvals").selectAll().where("state", "=", "pending").orderBy("created_at").execute();
  const ids = [...new Set(rows.flatMap((r) => [r.member_id, r.group_id]))];
  const actors = ids.length ? await db.selectFrom("actors").selectAll().where("id", "in", ids).execute() : [];
  const byId = new Map(actors.map((a) => [a.id, a]));
  return rows.map((approval) => ({ approval, member: byId.get(approval.member_id)!, group: byId.get(approval.group_id)! }));
}
