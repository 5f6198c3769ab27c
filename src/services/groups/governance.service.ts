// Governance of employees' memberships elsewhere: for each partner, an admin
// decides whether our employees may join groups hosted there (allow), must
// wait for an admin (approval), or may not (deny). Other local accounts
// (customers or partners with an account here) are not the company's to govern.
import { findPartners } from "../../db/repos/organization.repo.ts";
import { decideApproval, findApproval, insertPendingApproval, listPendingApprovals } from "../../db/repos/join-approval.repo.ts";
import type { ActorRow } from "../../db/schema.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { forbidden, notFound } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import type { LocalActorProfile } from "../../db/queries/actor.queries.ts";
import { toActorView, type ActorView } from "../accounts/actor.service.ts";
import { recordAudit, requireAdmin } from "../organizations/audit.service.ts";
import type { ServiceContext } from "../context.ts";

export type JoinGate = "proceed" | "held";

/** Decides an employee's join of a group on another instance; a held join waits for an admin. */
export async function gateEmployeeJoin(ctx: ServiceContext, user: LocalActorProfile, group: ActorRow): Promise<JoinGate> {
  if (group.is_local || user.audience !== "employee") return "proceed";
  const [partner] = await findPartners(ctx.db, [group.domain]);
  const rule = partner?.join_rule ?? "allow";
  if (rule === "deny") {
    throw forbidden(`Your organization does not let employees join groups hosted by ${group.domain}; ask an administrator`);
  }
  if (rule === "allow") return "proceed";
  await insertPendingApproval(ctx.db, newId(), user.id, group.id);
  ctx.logger.info({ member: user.username, group: group.uri }, "join held for an administrator's approval");
  return "held";
}

export interface JoinApprovalView {
  id: string;
  member: ActorView;
  group: ActorView;
  requestedAt: string;
}

export async function listJoinApprovals(ctx: ServiceContext, adminUsername: string): Promise<JoinApprovalView[]> {
  await requireAdmin(ctx, adminUsername);
  return (await listPendingApprovals(ctx.db)).map((r) => ({
    id: r.approval.id,
    member: toActorView(r.member),
    group: toActorView(r.group),
    requestedAt: r.approval.created_at.toISOString(),
  }));
}

/**
 * An admin answers a held join. Approved, the join goes ahead as the member
 * asked it (`proceed` sends it to the group's home); denied, nothing is sent.
 */
export async function decideJoinApproval(
  ctx: ServiceContext,
  adminUsername: string,
  id: string,
  approve: boolean,
  proceed: (memberId: string, group: ActorRow) => Promise<void>,
): Promise<void> {
  const by = await requireAdmin(ctx, adminUsername);
  const approval = await findApproval(ctx.db, id);
  if (!approval || approval.state !== "pending") throw notFound(`No join waiting for approval with id ${id}`);
  const group = await findActorById(ctx.db, approval.group_id);
  if (!group) throw notFound(`The group of join ${id} is gone`);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await decideApproval(trx, id, approve ? "approved" : "denied", by.uri))) throw notFound(`No join waiting for approval with id ${id}`);
    await recordAudit(trx, by, {
      action: approve ? "membership.approved" : "membership.denied",
      target: group.uri,
      details: { memberId: approval.member_id },
    });
  });
  if (approve) await proceed(approval.member_id, group);
}
