// What the Ecotone API labels every actor of an answer with — its
// organization, this instance's relationship to that organization, and a
// person's audience segment — read in ONE statement (issue 18): the
// organizations and partners of the answer's domains, the local accounts'
// audiences and the admins' overrides for remote people. Each is a sub-select
// on its own key (the same lookups as findOrganizations, findPartners,
// findLocalAudiences, findAudienceOverrides), so the cost grows with the answer.
import type { Kysely, Transaction } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { Database } from "../schema.ts";
import type { OrganizationRow, PartnerRow } from "../repos/organization.repo.ts";

type Db = Kysely<Database> | Transaction<Database>;

type Audience = Database["users"]["audience"];

export interface ActorLabelRows {
  organizations: OrganizationRow[];
  partners: Array<Pick<PartnerRow, "domain" | "relationship">>;
  localAudiences: Array<{ actor_id: string; audience: Audience }>;
  overrides: Array<{ actor_id: string; audience: Database["person_audiences"]["audience"] }>;
}

const asDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** The rows behind the labels of these domains' organizations (`partnerDomains`: those that can be partners) and these people. One statement. */
export async function findActorLabelRows(db: Db, domains: string[], partnerDomains: string[], personIds: string[]): Promise<ActorLabelRows> {
  // `in ()` is not SQL: an empty list asks for a key no row has.
  const none = [""];
  const orEmpty = (list: string[]) => (list.length > 0 ? [...new Set(list)] : none);
  const row = await db
    .selectNoFrom((eb) => [
      jsonArrayFrom(eb.selectFrom("organizations").selectAll().where("domain", "in", orEmpty(domains))).as("organizations"),
      jsonArrayFrom(eb.selectFrom("partners").select(["domain", "relationship"]).where("domain", "in", orEmpty(partnerDomains))).as("partners"),
      jsonArrayFrom(eb.selectFrom("users").select(["actor_id", "audience"]).where("actor_id", "in", orEmpty(personIds))).as("local"),
      jsonArrayFrom(eb.selectFrom("person_audiences").select(["actor_id", "audience"]).where("actor_id", "in", orEmpty(personIds))).as("overrides"),
    ])
    .executeTakeFirstOrThrow();
  // JSON carries timestamps as strings; the services compare them as dates.
  const organizations = (row.organizations as unknown as Array<OrganizationRow & Record<"fetched_at" | "created_at" | "updated_at", Date | string | null>>).map(
    (o) => ({ ...o, fetched_at: asDate(o.fetched_at), created_at: asDate(o.created_at)!, updated_at: asDate(o.updated_at)! }),
  );
  return { organizations, partners: row.partners, localAudiences: row.local, overrides: row.overrides };
}
