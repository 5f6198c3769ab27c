// Partners: this instance's label for each organization it knows
// (customer, partner, supplier, affiliate, prospect or none), beside its
// federation policy (kept by the federation policy service, not here), and
// the rule for our employees joining groups hosted there.
import {
  findAudienceOverrides,
  findLocalAudiences,
  findPartners,
  listOrganizations,
  listPartnerRows,
  setAudienceOverride,
  upsertPartner,
  type PartnerRow,
} from "../../db/repos/organization.repo.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { normalizeHost } from "../../domain/federation-policy.rules.ts";
import {
  audienceForRelationship,
  parseJoinRule,
  parsePartnerPolicy,
  parseRelationship,
  SELF,
  type JoinRule,
  type PartnerPolicy,
  type Relationship,
} from "../../domain/organization.rules.ts";
import { parseAudience, type Audience } from "../../domain/user.rules.ts";
import { domainOf } from "../../domain/uris.ts";
import { keysetPage, type KeysetPage } from "../../domain/keyset-page.ts";
import { listPartnerDomainsAfter } from "../../db/queries/organization.queries.ts";
import { requireLocalUserActor, resolveActor } from "../accounts/actor.service.ts";
import { auditActorOf, recordAudit, type AuditActor } from "./audit.service.ts";
import type { ServiceContext } from "../context.ts";
import { allowHost, blockHost, describePolicy, forgetHost, getFederationPolicy, limitHost } from "./federation-policy.service.ts";
import { isPeerAllowed, isPeerLimited } from "../../domain/federation-policy.rules.ts";
import { organizationsByDomain, type Organization } from "./organization.service.ts";

export interface PartnerView {
  domain: string;
  organization: Organization;
  relationship: Relationship | null;
  /** The federation policy in effect for this domain. */
  policy: PartnerPolicy;
  /** Whether the policy is a rule listed for this domain, or the instance's default. */
  policyListed: boolean;
  joinRule: JoinRule;
}

async function partnerViews(ctx: ServiceContext, domains: string[]): Promise<PartnerView[]> {
  const [orgs, partners, policy] = await Promise.all([organizationsByDomain(ctx, domains), findPartners(ctx.db, domains), getFederationPolicy(ctx)]);
  const byDomain = new Map(partners.map((p) => [p.domain, p]));
  // A rule is listed for a domain when the policy names it (allow, block or limited); otherwise the mode decides.
  const listed = new Set([...policy.allowed, ...policy.blocked, ...(policy.limited ?? [])]);
  return domains.map((domain) => ({
    domain,
    organization: orgs.get(domain)!,
    relationship: byDomain.get(domain)?.relationship ?? null,
    policy: !isPeerAllowed(policy, domain) ? "block" : isPeerLimited(policy, domain) ? "limited" : "allow",
    policyListed: listed.has(domain),
    joinRule: byDomain.get(domain)?.join_rule ?? "allow",
  }));
}

/** Every organization this instance knows or has a rule for. */
export async function listPartners(ctx: ServiceContext): Promise<PartnerView[]> {
  const own = domainOf(ctx.origin);
  const [orgs, partners, described] = await Promise.all([listOrganizations(ctx.db), listPartnerRows(ctx.db), describePolicy(ctx)]);
  const domains = new Set<string>([...orgs.map((o) => o.domain), ...partners.map((p) => p.domain), ...described.hosts.map((h) => h.host)]);
  domains.delete(own);
  return partnerViews(ctx, [...domains].sort());
}

/** One page of those, by domain, read as a page from the database (LIMIT n+1, ADR 0056). */
export async function pagePartners(ctx: ServiceContext, after: string | undefined, size: number): Promise<KeysetPage<PartnerView>> {
  const page = keysetPage(await listPartnerDomainsAfter(ctx.db, domainOf(ctx.origin), after, size + 1), size, (d) => d);
  return { items: await partnerViews(ctx, page.items), next: page.next };
}

export async function getPartner(ctx: ServiceContext, rawDomain: string): Promise<PartnerView> {
  const domain = normalizeHost(rawDomain);
  if (domain === domainOf(ctx.origin)) throw notFound("That is this instance; see /api/ecotone/v1/admin/organization");
  return (await partnerViews(ctx, [domain]))[0]!;
}

export interface PartnerChange {
  relationship?: unknown;
  policy?: unknown;
  joinRule?: unknown;
}

/** An admin labels an organization and sets its policy; everything is checked before anything changes. */
export async function setPartner(ctx: ServiceContext, by: AuditActor, rawDomain: string, change: PartnerChange): Promise<PartnerView> {
  const domain = normalizeHost(rawDomain);
  if (domain === domainOf(ctx.origin)) throw validationFailed('That is this instance: it is "self", not a partner');
  if (change.relationship === undefined && change.policy === undefined && change.joinRule === undefined) {
    throw validationFailed('Send at least one of "relationship", "policy", "joinRule"');
  }
  const relationship = change.relationship === undefined ? undefined : parseRelationship(change.relationship);
  const policy = change.policy === undefined || change.policy === null ? change.policy : parsePartnerPolicy(change.policy);
  const joinRule = change.joinRule === undefined ? undefined : parseJoinRule(change.joinRule);
  await ctx.db.transaction().execute(async (trx) => {
    if (relationship !== undefined || joinRule !== undefined) {
      await upsertPartner(trx, domain, {
        ...(relationship !== undefined ? { relationship } : {}),
        ...(joinRule !== undefined ? { join_rule: joinRule } : {}),
      });
    }
    await recordAudit(trx, by, {
      action: "partner.updated",
      target: domain,
      details: { relationship, policy, joinRule },
    });
  });
  // The policy has one home: the federation policy service and its table.
  // (Each writes its own federation.* audit entry, by the same admin.)
  if (policy === "allow") await allowHost(ctx, domain, undefined, by);
  else if (policy === "block") await blockHost(ctx, domain, undefined, by);
  else if (policy === "limited") await limitHost(ctx, domain, undefined, by);
  else if (policy === null) await forgetHost(ctx, domain, by).catch(() => {});
  return getPartner(ctx, domain);
}

/** This instance's label for each domain ("self" for ours). */
export async function relationshipsByDomain(ctx: ServiceContext, domains: string[]): Promise<Map<string, Relationship | typeof SELF | null>> {
  const own = domainOf(ctx.origin);
  const rows = await findPartners(
    ctx.db,
    domains.filter((d) => d !== own),
  );
  return relationshipsFromRows(ctx, domains, rows);
}

/** `relationshipsByDomain` on partner rows already read (findActorLabelRows). */
export function relationshipsFromRows(
  ctx: ServiceContext,
  domains: string[],
  rows: Array<Pick<PartnerRow, "domain" | "relationship">>,
): Map<string, Relationship | typeof SELF | null> {
  const own = domainOf(ctx.origin);
  const result = new Map<string, Relationship | typeof SELF | null>(domains.map((d) => [d, null]));
  for (const r of rows) result.set(r.domain, r.relationship);
  if (result.has(own)) result.set(own, SELF);
  return result;
}

/**
 * The audience segment of each actor: local people keep their account's;
 * remote people inherit their organization's label unless an admin set theirs.
 */
export async function audiencesOf(
  ctx: ServiceContext,
  actors: Array<{ id: string; domain: string; is_local?: boolean; local?: boolean }>,
): Promise<Map<string, Audience>> {
  const ids = actors.map((a) => a.id);
  const [local, overrides, relationships] = await Promise.all([
    findLocalAudiences(ctx.db, ids),
    findAudienceOverrides(ctx.db, ids),
    relationshipsByDomain(ctx, [...new Set(actors.map((a) => a.domain))]),
  ]);
  return audiencesFromRows(actors, local, overrides, relationships);
}

/** `audiencesOf` on rows already read (findActorLabelRows), with the relationship of each actor's domain. */
export function audiencesFromRows(
  actors: Array<{ id: string; domain: string }>,
  local: Array<{ actor_id: string; audience: Audience | null }>,
  overrides: Array<{ actor_id: string; audience: Audience }>,
  relationships: Map<string, Relationship | typeof SELF | null>,
): Map<string, Audience> {
  const localBy = new Map(local.map((l) => [l.actor_id, l.audience]));
  const overrideBy = new Map(overrides.map((o) => [o.actor_id, o.audience]));
  const result = new Map<string, Audience>();
  for (const a of actors) {
    const own = localBy.get(a.id);
    if (own) {
      result.set(a.id, own);
      continue;
    }
    const relationship = relationships.get(a.domain);
    result.set(a.id, overrideBy.get(a.id) ?? audienceForRelationship(relationship === SELF ? null : (relationship ?? null)));
  }
  return result;
}

/** An admin overrides the audience a remote person inherits (null goes back to the inherited one). */
export async function setRemoteAudience(ctx: ServiceContext, adminUsername: string, target: string, audience: string | null) {
  const admin = await requireLocalUserActor(ctx, adminUsername);
  const actor = await resolveActor(ctx, target);
  if (actor.is_local) throw validationFailed("A local account's audience is set on the account (ecotone user set-audience)");
  const parsed = audience === null ? null : parseAudience(audience);
  await ctx.db.transaction().execute(async (trx) => {
    await setAudienceOverride(trx, actor.id, parsed);
    await recordAudit(trx, auditActorOf(admin), { action: "person.audience_set", target: `@${actor.username}@${actor.domain}`, details: { audience: parsed } });
  });
  return (await audiencesOf(ctx, [actor])).get(actor.id)!;
}
