// The labels the Ecotone API gives every actor it returns (its organization,
// our relationship to it, a person's audience), decided by the organization
// and partner services' own rules on rows read in one statement.
import { findActorLabelRows } from "../../db/queries/actor-labels.queries.ts";
import type { Audience } from "../../domain/user.rules.ts";
import { domainOf } from "../../domain/uris.ts";
import type { ServiceContext } from "../context.ts";
import { organizationsFromRows, type Organization } from "./organization.service.ts";
import { audiencesFromRows, relationshipsFromRows } from "./partner.service.ts";

export interface ActorLabels {
  organizations: Map<string, Organization>;
  relationships: ReturnType<typeof relationshipsFromRows>;
  audiences: Map<string, Audience>;
}

/** Labels for these domains and these people: `organizationsByDomain`, `relationshipsByDomain` and `audiencesOf` in one statement. */
export async function actorLabels(ctx: ServiceContext, domains: string[], people: Array<{ id: string; domain: string }>): Promise<ActorLabels> {
  const own = domainOf(ctx.origin);
  const allDomains = [...new Set([...domains, ...people.map((p) => p.domain)])];
  const rows = await findActorLabelRows(
    ctx.db,
    domains,
    allDomains.filter((d) => d !== own),
    people.map((p) => p.id),
  );
  const relationships = relationshipsFromRows(ctx, allDomains, rows.partners);
  return {
    organizations: organizationsFromRows(ctx, domains, rows.organizations),
    relationships,
    audiences: audiencesFromRows(people, rows.localAudiences, rows.overrides, relationships),
  };
}
