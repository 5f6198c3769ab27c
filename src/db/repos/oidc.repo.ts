// Company sign-in rows: sign-ins under way, and identities linked to accounts.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertOidcLogin(db: Db, row: { state: string; nonce: string; codeVerifier: string; next: string; expiresAt: Date }): Promise<void> {
  await db.deleteFrom("oidc_logins").where("expires_at", "<", new Date()).execute();
  await db
    .insertInto("oidc_logins")
    .values({ state: row.state, nonce: row.nonce, code_verifier: row.codeVerifier, next_path: row.next, expires_at: row.expiresAt })
    .execute();
}

/** Takes a sign-in under way once (deleted as it is read); undefined when unknown or expired. */
export async function takeOidcLogin(db: Db, state: string) {
  return db.deleteFrom("oidc_logins").where("state", "=", state).where("expires_at", ">", new Date()).returningAll().executeTakeFirst();
}

export async function findOidcIdentity(db: Db, issuer: string, subject: string): Promise<string | undefined> {
  const row = await db.selectFrom("oidc_identities").select("user_id").where("issuer", "=", issuer).where("subject", "=", subject).executeTakeFirst();
  return row?.user_id;
}

export async function insertOidcIdentity(db: Db, issuer: string, subject: string, userId: string): Promise<void> {
  await db.insertInto("oidc_identities").values({ issuer, subject, user_id: userId }).execute();
}
