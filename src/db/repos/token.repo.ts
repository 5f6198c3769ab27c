// API tokens (hashes only).
import type { Kysely, Transaction } from "kysely";
import type { ApiTokenRow, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertToken(db: Db, token: { id: string; user_id: string; token_hash: string; scopes: string; label: string | null }): Promise<void> {
  await db.insertInto("api_tokens").values(token).execute();
}

export async function findTokenByHash(db: Db, hash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
}

export async function touchToken(db: Db, id: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: new Date() }).where("id", "=", id).execute();
}

export async function revokeTokenById(db: Db, id: string): Promise<void> {
  await db.updateTable("api_tokens").set({ revoked_at: new Date() }).where("id", "=", id).where("revoked_at", "is", null).execute();
}

/** Revokes every live token of a user (CLI, OAuth and refresh tokens); returns how many. */
export async function revokeTokensOfUser(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable("api_tokens")
    .set({ revoked_at: new Date(), refresh_token_hash: null })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listTokensOfUser(db: Db, userId: string) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "scopes", "label", "created_at", "last_used_at", "revoked_at"])
    .where("user_id", "=", userId)
    .orderBy("id", "desc")
    .execute();
}
