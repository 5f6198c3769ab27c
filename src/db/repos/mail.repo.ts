// Outgoing mail (mail_outbox) and the one-time mail tokens (mail_tokens).
// A mail row is written in the transaction that decided to send it; the mail
// worker sends it (or keeps it, without SMTP) and retries with backoff.
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { MailOutboxTable, MailTokensTable } from "../schema.channels.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;
export type MailRow = Selectable<MailOutboxTable>;
export type MailTokenRow = Selectable<MailTokensTable>;

export interface NewMail {
  to: string;
  recipientId: string | null;
  purpose: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export async function insertMail(db: Db, mail: NewMail): Promise<string> {
  const id = newId();
  await db
    .insertInto("mail_outbox")
    .values({
      id,
      to_address: mail.to,
      recipient_id: mail.recipientId,
      purpose: mail.purpose,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      headers: JSON.stringify(mail.headers),
      status: "pending",
    })
    .execute();
  return id;
}

/**
 * Takes the next due mail for `leaseMs` (another process skips it meanwhile;
 * a crashed worker's mail is taken again once the lease ends).
 */
export async function claimDueMail(db: Kysely<Database>, leaseMs: number): Promise<MailRow | undefined> {
  const result = await sql<MailRow>`
    update mail_outbox set locked_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = attempts + 1
    where id = (
      select id from mail_outbox
      where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
      order by next_attempt_at limit 1 for update skip locked)
    returning *`.execute(db);
  return result.rows[0];
}

export async function finishMail(db: Db, id: string, status: "sent" | "kept"): Promise<void> {
  await db.updateTable("mail_outbox").set({ status, sent_at: new Date(), locked_until: null, last_error: null }).where("id", "=", id).execute();
}

export async function retryMail(db: Db, id: string, error: string, nextAttemptAt: Date | null): Promise<void> {
  await db
    .updateTable("mail_outbox")
    .set(
      nextAttemptAt ? { last_error: error, next_attempt_at: nextAttemptAt, locked_until: null } : { last_error: error, status: "failed", locked_until: null },
    )
    .where("id", "=", id)
    .execute();
}

export async function listMail(db: Db, options: { before?: string; limit: number }): Promise<MailRow[]> {
  let query = db.selectFrom("mail_outbox").selectAll();
  if (options.before) query = query.where("id", "<", options.before);
  return query.orderBy("id", "desc").limit(options.limit).execute();
}

export async function findMail(db: Db, id: string): Promise<MailRow | undefined> {
  return db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertMailToken(
  db: Db,
  row: { tokenHash: string; userId: string; purpose: "verify" | "reset"; email: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("mail_tokens")
    .values({ token_hash: row.tokenHash, user_id: row.userId, purpose: row.purpose, email: row.email, expires_at: row.expiresAt })
    .execute();
}

/** Uses a token once: returns it only if it was unused and unexpired, and marks it used. */
export async function useMailToken(db: Db, tokenHash: string, purpose: "verify" | "reset"): Promise<MailTokenRow | undefined> {
  return db
    .updateTable("mail_tokens")
    .set({ used_at: new Date() })
    .where("token_hash", "=", tokenHash)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .where("expires_at", ">", new Date())
    .returningAll()
    .executeTakeFirst();
}

/** How many tokens of this purpose the user was sent since `since` (the throttle). */
export async function countMailTokensSince(db: Db, userId: string, purpose: "verify" | "reset", since: Date): Promise<number> {
  const row = await db
    .selectFrom("mail_tokens")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A newer link replaces older ones: only the last one sent works. */
export async function expireMailTokens(db: Db, userId: string, purpose: "verify" | "reset"): Promise<void> {
  await db
    .updateTable("mail_tokens")
    .set({ used_at: new Date() })
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("used_at", "is", null)
    .execute();
}

export async function setUserEmail(db: Db, userId: string, email: string | null): Promise<void> {
  await db.updateTable("users").set({ email, email_verified_at: null, email_bounced_at: null, updated_at: new Date() }).where("id", "=", userId).execute();
}

export async function markEmailVerified(db: Db, userId: string, email: string): Promise<boolean> {
  const r = await db
    .updateTable("users")
    .set({ email_verified_at: new Date(), email_bounced_at: null })
    .where("id", "=", userId)
    .where("email", "=", email)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markEmailBounced(db: Db, address: string): Promise<void> {
  await db.updateTable("users").set({ email_bounced_at: new Date() }).where("email", "=", address).execute();
}

/** The account behind a local actor, with what decides whether it gets mail. */
export async function findMailRecipient(db: Db, actorId: string) {
  return db
    .selectFrom("users")
    .select(["id", "username", "email", "email_verified_at", "email_bounced_at", "suspended_at"])
    .where("actor_id", "=", actorId)
    .executeTakeFirst();
}

/** The account a verified address belongs to (addresses are compared case-insensitively). */
export async function findUsernameByVerifiedEmail(db: Db, email: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("users")
    .select("username")
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .where("email_verified_at", "is not", null)
    .executeTakeFirst();
  return row?.username;
}
