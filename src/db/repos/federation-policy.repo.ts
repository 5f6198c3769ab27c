// The federation policy: mode in instance_settings, hosts in instance_policies.
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

const MODE_KEY = "federation_mode";

export async function readFederationMode(db: Kysely<Database>): Promise<"open" | "allowlist"> {
  const row = await db.selectFrom("instance_settings").select("value").where("key", "=", MODE_KEY).executeTakeFirst();
  return row?.value === "allowlist" ? "allowlist" : "open";
}

export async function writeFederationMode(db: Kysely<Database>, mode: "open" | "allowlist"): Promise<void> {
  await db
    .insertInto("instance_settings")
    .values({ key: MODE_KEY, value: JSON.stringify(mode) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(mode), updated_at: new Date() }))
    .execute();
}

export async function listHostPolicies(db: Kysely<Database>) {
  return db.selectFrom("instance_policies").selectAll().orderBy("host").execute();
}

/** Listed hosts in name order after `after`, at most `limit` (a page and one more, ADR 0056). */
export async function listHostPoliciesAfter(db: Kysely<Database>, after: string | undefined, limit: number) {
  let query = db.selectFrom("instance_policies").selectAll().orderBy("host").limit(limit);
  if (after !== undefined) query = query.where("host", ">", after);
  return query.execute();
}

export async function upsertHostPolicy(db: Kysely<Database>, host: string, policy: "allow" | "block" | "limited", note: string | null) {
  await db
    .insertInto("instance_policies")
    .values({ host, policy, note })
    .onConflict((oc) => oc.column("host").doUpdateSet({ policy, note }))
    .execute();
}

export async function deleteHostPolicy(db: Kysely<Database>, host: string): Promise<boolean> {
  const result = await db.deleteFrom("instance_policies").where("host", "=", host).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
