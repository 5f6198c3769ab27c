// "Companies in this group": each organization with members in a group and
// how many. For a group hosted elsewhere the home's member list is the truth
// (we only know the members we happen to have met), so it is read from the
// home, signed by our instance actor.
import { countMembersByDomain } from "../../db/queries/organization.queries.ts";
import { isMember } from "../../domain/group.rules.ts";
import { notFound } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { resolveGroupAccess, type GroupAccess } from "./group-access.ts";
import { organizationsByDomain, type Organization } from "../organizations/organization.service.ts";
import { relationshipsByDomain } from "../organizations/partner.service.ts";
import { homeMemberUris } from "./remote-members.service.ts";

export interface GroupOrganizationView {
  organization: Organization & { relationship: string | null };
  memberCount: number;
}

export async function groupOrganizations(ctx: ServiceContext, ref: string, viewerId: string | null): Promise<GroupOrganizationView[]> {
  return groupOrganizationsOf(ctx, await resolveGroupAccess(ctx, ref, viewerId));
}

/** The same, for the request that resolved `access` (the group page). */
export async function groupOrganizationsOf(ctx: ServiceContext, access: GroupAccess): Promise<GroupOrganizationView[]> {
  const { group } = access;
  // A home serves its member list to our instance on behalf of our members, so
  // only they see it here; a group of ours follows its own visibility.
  const allowed = group.actor.is_local ? access.may.memberList : isMember(access.membership);
  if (!allowed) throw notFound(`No group ${access.ref}`);
  let counts: Array<{ domain: string; count: number }>;
  const home = group.actor.is_local ? null : await homeMemberUris(ctx, group.actor);
  if (home) {
    const byDomain = new Map<string, number>();
    for (const uri of home) {
      const host = new URL(uri).host;
      byDomain.set(host, (byDomain.get(host) ?? 0) + 1);
    }
    counts = [...byDomain].map(([domain, count]) => ({ domain, count }));
  } else {
    counts = await countMembersByDomain(ctx.db, group.actor.id);
  }
  const domains = counts.map((c) => c.domain);
  const [orgs, relationships] = await Promise.all([organizationsByDomain(ctx, domains), relationshipsByDomain(ctx, domains)]);
  return counts
    .map((c) => ({ organization: { ...orgs.get(c.domain)!, relationship: relationships.get(c.domain) ?? null }, memberCount: c.count }))
    .sort((a, b) => b.memberCount - a.memberCount || a.organization.name.localeCompare(b.organization.name));
}
