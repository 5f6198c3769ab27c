// API tokens (hashes only).
import { sql, type Kysely, type Transaction } from "kysely";
import type { ActorRow, ApiTokenRow, Database } from "../schema.ts";
import { hydrate, type UserWithActor } from "./user.repo.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertToken(db: Db, token: { id: string; user_id: string; token_hash: string; scopes: string; label: string | null }): Promise<void> {
  await db.insertInto("api_tokens").values(token).execute();
}

export interface UserToken {
  token: Pick<ApiTokenRow, "id" | "scopes" | "app_id" | "last_used_at" | "expires_at" | "revoked_at">;
  user: UserWithActor;
}

/**
 * A user's token with its user and actor, in one statement: every API request
 * authenticates, so the token, the suspension and the actor are read together
 * (issue 18). Nothing is cached: a revoke or a suspension counts at the next
 * request in every process. App-level tokens (no user) are not found here.
 */
export async function findUserTokenByHash(db: Db, hash: string): Promise<UserToken | undefined> {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .innerJoin("actors", "actors.id", "users.actor_id")
    .selectAll("users")
    .select([
      "api_tokens.id as token_id",
      "api_tokens.scopes",
      "api_tokens.app_id",
      "api_tokens.last_used_at",
      "api_tokens.expires_at",
      "api_tokens.revoked_at",
    ])
    .select(() => sql<ActorRow>`to_jsonb(actors.*)`.as("actor_json"))
    .where("api_tokens.token_hash", "=", hash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id, scopes, app_id, last_used_at, expires_at, revoked_at, ...user } = row;
  return { token: { id: token_id, scopes, app_id, last_used_at, expires_at, revoked_at }, user: hydrate(user) };
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
