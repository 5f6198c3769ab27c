// OAuth apps, authorization codes and browser sessions.
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

export async function insertApp(
  db: Kysely<Database>,
  app: { id: string; clientId: string; clientSecretHash: string; name: string; website: string | null; redirectUris: string[]; scopes: string },
): Promise<void> {
  await db
    .insertInto("oauth_apps")
    .values({
      id: app.id,
      client_id: app.clientId,
      client_secret_hash: app.clientSecretHash,
      name: app.name,
      website: app.website,
      redirect_uris: JSON.stringify(app.redirectUris),
      scopes: app.scopes,
    })
    .execute();
}

export async function findAppByClientId(db: Kysely<Database>, clientId: string) {
  return db.selectFrom("oauth_apps").selectAll().where("client_id", "=", clientId).executeTakeFirst();
}

export async function findAppById(db: Kysely<Database>, id: string) {
  return db.selectFrom("oauth_apps").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertCode(
  db: Kysely<Database>,
  code: {
    codeHash: string;
    appId: string;
    userId: string;
    redirectUri: string;
    scopes: string;
    challenge: string | null;
    challengeMethod: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto("oauth_codes")
    .values({
      code_hash: code.codeHash,
      app_id: code.appId,
      user_id: code.userId,
      redirect_uri: code.redirectUri,
      scopes: code.scopes,
      code_challenge: code.challenge,
      code_challenge_method: code.challengeMethod,
      expires_at: code.expiresAt,
    })
    .execute();
}

/** Marks a code used and returns it, once; a second call gets nothing. */
export async function consumeCode(db: Kysely<Database>, codeHash: string) {
  return db
    .updateTable("oauth_codes")
    .set({ used_at: new Date() })
    .where("code_hash", "=", codeHash)
    .where("used_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

export async function insertOAuthToken(
  db: Kysely<Database>,
  token: { id: string; userId: string; appId: string; tokenHash: string; refreshHash: string; scopes: string },
): Promise<void> {
  await db
    .insertInto("api_tokens")
    .values({
      id: token.id,
      user_id: token.userId,
      app_id: token.appId,
      token_hash: token.tokenHash,
      refresh_token_hash: token.refreshHash,
      scopes: token.scopes,
      label: "oauth",
    })
    .execute();
}

export async function findTokenByRefreshHash(db: Kysely<Database>, hash: string) {
  return db.selectFrom("api_tokens").selectAll().where("refresh_token_hash", "=", hash).executeTakeFirst();
}

export async function revokeTokenRow(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable("api_tokens").set({ revoked_at: new Date(), refresh_token_hash: null }).where("id", "=", id).execute();
}

export async function findTokenRowByHash(db: Kysely<Database>, hash: string) {
  return db.selectFrom("api_tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
}

export async function insertSession(db: Kysely<Database>, s: { idHash: string; userId: string; csrf: string; expiresAt: Date }) {
  await db.insertInto("sessions").values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrf, expires_at: s.expiresAt }).execute();
}

export async function findSession(db: Kysely<Database>, idHash: string) {
  return db.selectFrom("sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
}

export async function deleteSession(db: Kysely<Database>, idHash: string) {
  await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}

/** Ends every session of a user but `exceptIdHash`; returns how many ended. */
export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string, exceptIdHash?: string): Promise<number> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptIdHash) query = query.where("id_hash", "!=", exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertAppToken(db: Kysely<Database>, token: { id: string; appId: string; tokenHash: string; scopes: string }) {
  await db
    .insertInto("api_tokens")
    .values({ id: token.id, user_id: null, app_id: token.appId, token_hash: token.tokenHash, scopes: token.scopes, label: "app" })
    .execute();
}
