// A viewer's membership of a group, from the stored facts; and the one way a membership ends.
import type { Kysely, Transaction } from "kysely";
import type { MembershipFacts } from "../../db/queries/group.queries.ts";
import { deleteFollow } from "../../db/repos/follow.repo.ts";
import { setGroupRole } from "../../db/repos/group.repo.ts";
import type { Database } from "../../db/schema.ts";
import type { GroupRole, Membership } from "../../domain/group.rules.ts";

export function membershipFrom(facts: MembershipFacts): Membership | null {
  const role: GroupRole = facts.role ?? "member";
  if (facts.banned) return { state: "banned", role };
  if (facts.followState === "accepted") return { state: "accepted", role };
  if (facts.followState === "pending") return { state: "pending", role };
  if (facts.invited) return { state: "invited", role };
  return null;
}

/**
 * Ends a follow, and with it any role its follower held in the followee (a
 * group): whoever comes back is an ordinary member until an owner grants a
 * role anew (security finding 45). Used by every way out — a local leave, a
 * ban, a remote Undo(Follow) or Leave, a shared room putting an organization out.
 */
export async function endMembership(
  trx: Kysely<Database> | Transaction<Database>,
  follow: { id: string; followerId: string; followeeId: string },
): Promise<void> {
  await deleteFollow(trx, follow.id);
  await setGroupRole(trx, follow.followeeId, follow.followerId, "member");
}
