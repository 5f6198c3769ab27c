// A viewer's membership of a group, from the stored facts.
import type { MembershipFacts } from "../../db/queries/group.queries.ts";
import type { GroupRole, Membership } from "../../domain/group.rules.ts";

export function membershipFrom(facts: MembershipFacts): Membership | null {
  const role: GroupRole = facts.role ?? "member";
  if (facts.banned) return { state: "banned", role };
  if (facts.followState === "accepted") return { state: "accepted", role };
  if (facts.followState === "pending") return { state: "pending", role };
  if (facts.invited) return { state: "invited", role };
  return null;
}
