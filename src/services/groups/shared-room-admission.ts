// Who a shared room admits, asked by the join paths (a group's own joins and
// invitations, and Follows from other instances): people of the room's home
// and of the organizations that accepted its invitation.
import { listRoomOrganizations } from "../../db/repos/shared-room.repo.ts";
import { roomAdmits } from "../../domain/organization.rules.ts";
import { domainOf } from "../../domain/uris.ts";
import type { ServiceContext } from "../context.ts";

export async function sharedRoomAdmits(ctx: ServiceContext, groupId: string, memberDomain: string): Promise<boolean> {
  const rows = await listRoomOrganizations(ctx.db, groupId);
  return roomAdmits(
    { homeDomain: domainOf(ctx.origin), listed: rows.length > 0, accepted: new Set(rows.filter((r) => r.state === "accepted").map((r) => r.domain)) },
    memberDomain,
  );
}
