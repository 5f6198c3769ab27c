// `externalRef` {system, id, url} on posts and tasks: the record in a CRM or
// ticketing system that an object mirrors, so an integration finds it again.
// One external record maps to at most one post and one task.
import type { Kysely, Transaction } from "kysely";
import { findExternalRef, findExternalRefs, findObjectByExternalRef, insertExternalRef, type ExternalRef } from "../../db/repos/external-ref.repo.ts";
import type { Database } from "../../db/schema.ts";
import { conflict, validationFailed } from "../../domain/errors.ts";

export type { ExternalRef };
type Db = Kysely<Database> | Transaction<Database>;

const SYSTEM = /^[a-z0-9][a-z0-9_.-]{0,39}$/i;

/** Validates `externalRef` from a request body; undefined when absent. */
export function parseExternalRef(raw: unknown): ExternalRef | undefined {
  if (raw === undefined || raw === null) return undefined;
  const fail = (why: string) =>
    validationFailed(`externalRef ${why}: send {"system": "salesforce", "id": "500Dn00000XyZ", "url": "https://…"}`, { field: "externalRef" });
  if (typeof raw !== "object" || Array.isArray(raw)) throw fail("must be an object");
  const { system, id, url } = raw as Record<string, unknown>;
  if (typeof system !== "string" || !SYSTEM.test(system)) throw fail("needs a system name (letters, digits, . _ -, up to 40)");
  if (typeof id !== "string" || id.trim() === "" || id.length > 200) throw fail("needs an id (a non-empty string up to 200 characters)");
  if (url !== undefined && url !== null) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url) || url.length > 2000) throw fail("url must be an http(s) URL");
    try {
      new URL(url);
    } catch {
      throw fail("url must be an http(s) URL");
    }
  }
  return { system: system.toLowerCase(), id: id.trim(), url: typeof url === "string" ? url : null };
}

/** `system:id` of a lookup (`?externalRef=zendesk:4711`); the id may contain colons. */
export function parseExternalRefLookup(raw: string): { system: string; id: string } {
  const at = raw.indexOf(":");
  if (at <= 0 || at === raw.length - 1) throw validationFailed('externalRef must look like "system:id", e.g. "zendesk:4711"', { field: "externalRef" });
  return { system: raw.slice(0, at).toLowerCase(), id: raw.slice(at + 1) };
}

/** Inside the transaction that creates the object: refuses a record already linked to another one. */
export async function linkExternalRef(trx: Db, type: "post" | "task", objectId: string, ref: ExternalRef): Promise<void> {
  const existing = await findObjectByExternalRef(trx, type, ref.system, ref.id);
  if (existing && existing !== objectId) {
    throw conflict(`${ref.system}:${ref.id} is already linked to ${type} ${existing}; look it up with ?externalRef=${ref.system}:${ref.id}`, {
      existing,
    });
  }
  if (!existing) await insertExternalRef(trx, type, objectId, ref);
}

export async function externalRefOf(db: Db, type: "post" | "task", objectId: string): Promise<ExternalRef | null> {
  return findExternalRef(db, type, objectId);
}

/** External references of many objects at once (for lists). */
export async function externalRefsOf(db: Db, type: "post" | "task", objectIds: string[]): Promise<Map<string, ExternalRef>> {
  return findExternalRefs(db, type, objectIds);
}

export async function objectByExternalRef(db: Db, type: "post" | "task", system: string, id: string): Promise<string | null> {
  return findObjectByExternalRef(db, type, system, id);
}
