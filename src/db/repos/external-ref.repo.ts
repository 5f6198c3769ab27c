// External references: which CRM or ticketing record a post or task mirrors.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;
type ObjectType = "post" | "task";

export interface ExternalRef {
  system: string;
  id: string;
  url: string | null;
}

export async function insertExternalRef(db: Db, type: ObjectType, objectId: string, ref: ExternalRef): Promise<void> {
  await db.insertInto("external_refs").values({ object_type: type, object_id: objectId, system: ref.system, external_id: ref.id, url: ref.url }).execute();
}

export async function findExternalRef(db: Db, type: ObjectType, objectId: string): Promise<ExternalRef | null> {
  const row = await db
    .selectFrom("external_refs")
    .select(["system", "external_id", "url"])
    .where("object_type", "=", type)
    .where("object_id", "=", objectId)
    .executeTakeFirst();
  return row ? { system: row.system, id: row.external_id, url: row.url } : null;
}

export async function findExternalRefs(db: Db, type: ObjectType, objectIds: string[]): Promise<Map<string, ExternalRef>> {
  if (objectIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("external_refs")
    .select(["object_id", "system", "external_id", "url"])
    .where("object_type", "=", type)
    .where("object_id", "in", objectIds)
    .execute();
  return new Map(rows.map((r) => [r.object_id, { system: r.system, id: r.external_id, url: r.url }]));
}

export async function findObjectByExternalRef(db: Db, type: ObjectType, system: string, externalId: string): Promise<string | null> {
  const row = await db
    .selectFrom("external_refs")
    .select("object_id")
    .where("object_type", "=", type)
    .where("system", "=", system)
    .where("external_id", "=", externalId)
    .executeTakeFirst();
  return row?.object_id ?? null;
}
