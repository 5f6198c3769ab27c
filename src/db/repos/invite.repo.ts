// One-time invitation links (stored by the hash of their token).
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertInviteLink(
  db: Db,
  row: { id: string; tokenHash: string; role: string; audience: string; createdById: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("invite_links")
    .values({
      id: row.id,
      token_hash: row.tokenHash,
      role: row.role,
      audience: row.audience,
      created_by_id: row.createdById,
      expires_at: row.expiresAt,
    })
    .execute();
}

export async function findUsableInvite(db: Db, tokenHash: string) {
  return db
    .selectFrom("invite_links")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
}

/** Claims the link for one person; false when someone else used it first. */
export async function claimInvite(db: Db, id: string, username: string): Promise<boolean> {
  const row = await db
    .updateTable("invite_links")
    .set({ used_at: new Date(), used_by_username: username })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function releaseInvite(db: Db, id: string): Promise<void> {
  await db.updateTable("invite_links").set({ used_at: null, used_by_username: null }).where("id", "=", id).execute();
}

/** Invitation links, newest first (ids grow with time), before the id `before`, at most `limit`. */
export async function listInviteLinks(db: Db, page: { before?: string | undefined; limit: number }) {
  let query = db.selectFrom("invite_links").selectAll().orderBy("id", "desc").limit(page.limit);
  if (page.before !== undefined) query = query.where("id", "<", page.before);
  return query.execute();
}
