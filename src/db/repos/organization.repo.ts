// Organizations (ours and the ones learned from peers), this instance's
// partner labels, and per-person audience overrides.
import type { Kysely, Selectable, Transaction } from "kysely";
import type { Database, OrganizationsTable, PartnersTable } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type OrganizationRow = Selectable<OrganizationsTable>;
export type PartnerRow = Selectable<PartnersTable>;

export interface OrganizationValues {
  name: string | null;
  short_name: string | null;
  logo_url: string | null;
  website: string | null;
  description: string | null;
  actor_uri: string | null;
}

export async function findOrganization(db: Db, domain: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom("organizations").selectAll().where("domain", "=", domain).executeTakeFirst();
}

export async function findOrganizations(db: Db, domains: string[]): Promise<OrganizationRow[]> {
  if (domains.length === 0) return [];
  return db.selectFrom("organizations").selectAll().where("domain", "in", domains).execute();
}

export async function listOrganizations(db: Db): Promise<OrganizationRow[]> {
  return db.selectFrom("organizations").selectAll().orderBy("domain").execute();
}

/** Writes an organization's profile; `fetched` marks a copy learned from its instance. */
export async function upsertOrganization(db: Db, domain: string, values: OrganizationValues, options: { isLocal: boolean; fetched: boolean }): Promise<void> {
  const row = { ...values, updated_at: new Date(), ...(options.fetched ? { fetched_at: new Date() } : {}) };
  await db
    .insertInto("organizations")
    .values({ domain, is_local: options.isLocal, ...row })
    .onConflict((oc) => oc.column("domain").doUpdateSet(row))
    .execute();
}

/** Notes a failed attempt to learn a peer's organization, so it is not retried at once. */
export async function touchOrganizationFetch(db: Db, domain: string): Promise<void> {
  await db
    .insertInto("organizations")
    .values({
      domain,
      is_local: false,
      name: null,
      short_name: null,
      logo_url: null,
      website: null,
      description: null,
      actor_uri: null,
      fetched_at: new Date(),
    })
    .onConflict((oc) => oc.column("domain").doUpdateSet({ fetched_at: new Date() }))
    .execute();
}

export async function findPartners(db: Db, domains: string[]): Promise<PartnerRow[]> {
  if (domains.length === 0) return [];
  return db.selectFrom("partners").selectAll().where("domain", "in", domains).execute();
}

export async function listPartnerRows(db: Db): Promise<PartnerRow[]> {
  return db.selectFrom("partners").selectAll().orderBy("domain").execute();
}

export async function upsertPartner(db: Db, domain: string, changes: Partial<Pick<PartnerRow, "relationship" | "join_rule">>): Promise<void> {
  await db
    .insertInto("partners")
    .values({ domain, relationship: changes.relationship ?? null, ...(changes.join_rule ? { join_rule: changes.join_rule } : {}) })
    .onConflict((oc) => oc.column("domain").doUpdateSet({ ...changes, updated_at: new Date() }))
    .execute();
}

export async function findAudienceOverrides(db: Db, actorIds: string[]) {
  if (actorIds.length === 0) return [];
  return db.selectFrom("person_audiences").select(["actor_id", "audience"]).where("actor_id", "in", actorIds).execute();
}

export async function setAudienceOverride(db: Db, actorId: string, audience: "employee" | "customer" | "partner" | "supplier" | "other" | null): Promise<void> {
  if (audience === null) {
    await db.deleteFrom("person_audiences").where("actor_id", "=", actorId).execute();
    return;
  }
  await db
    .insertInto("person_audiences")
    .values({ actor_id: actorId, audience })
    .onConflict((oc) => oc.column("actor_id").doUpdateSet({ audience, updated_at: new Date() }))
    .execute();
}

/** The instance actor shows the organization: its name, logo, website and description. */
export async function updateInstanceActorProfile(
  db: Db,
  uri: string,
  changes: { name: string; icon_url: string | null; url: string; summary: string | null },
): Promise<void> {
  await db
    .updateTable("actors")
    .set({ ...changes, updated_at: new Date() })
    .where("uri", "=", uri)
    .where("is_local", "=", true)
    .execute();
}

/** The audience set on local accounts, by actor id. */
export async function findLocalAudiences(db: Db, actorIds: string[]) {
  if (actorIds.length === 0) return [];
  return db.selectFrom("users").select(["actor_id", "audience"]).where("actor_id", "in", actorIds).execute();
}
