// Idempotency-Key records of the Ecotone API: one row per caller and key,
// holding the request's hash and, once answered, the response.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";

export async function claimIdempotencyKey(db: Kysely<Database>, callerId: string, key: string, requestHash: string): Promise<boolean> {
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({ caller_id: callerId, key, request_hash: requestHash })
    .onConflict((oc) => oc.columns(["caller_id", "key"]).doNothing())
    .returning("key")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findIdempotencyKey(db: Kysely<Database>, callerId: string, key: string) {
  return db.selectFrom("idempotency_keys").selectAll().where("caller_id", "=", callerId).where("key", "=", key).executeTakeFirst();
}

/** Takes over a claim whose request never answered (the process died); true when taken. */
export async function reclaimAbandonedKey(db: Kysely<Database>, callerId: string, key: string, requestHash: string, olderThanMs: number): Promise<boolean> {
  const result = await db
    .updateTable("idempotency_keys")
    .set({ request_hash: requestHash, created_at: new Date() })
    .where("caller_id", "=", callerId)
    .where("key", "=", key)
    .where("status_code", "is", null)
    .where("created_at", "<", sql<Date>`now() - ${`${olderThanMs} milliseconds`}::interval`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function storeIdempotentResponse(
  db: Kysely<Database>,
  callerId: string,
  key: string,
  response: { statusCode: number; body: string; contentType: string | null },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({ status_code: response.statusCode, response_body: response.body, content_type: response.contentType })
    .where("caller_id", "=", callerId)
    .where("key", "=", key)
    .execute();
}

export async function releaseIdempotencyKey(db: Kysely<Database>, callerId: string, key: string): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("caller_id", "=", callerId).where("key", "=", key).where("status_code", "is", null).execute();
}

export async function deleteIdempotencyKeysBefore(db: Kysely<Database>, before: Date): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("created_at", "<", before).execute();
}
