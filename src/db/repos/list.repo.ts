// Lists and their members.
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { ActorRow, Database } from "../schema.ts";
import type { ListsTable } from "../schema.mastodon.ts";

type Db = Kysely<Database> | Transaction<Database>;
export type ListRow = Selectable<ListsTable>;
export type RepliesPolicy = ListRow["replies_policy"];

export async function insertList(
  db: Db,
  list: { id: string; actorId: string; title: string; repliesPolicy: RepliesPolicy; exclusive: boolean },
): Promise<ListRow> {
  return db
    .insertInto("lists")
    .values({ id: list.id, actor_id: list.actorId, title: list.title, replies_policy: list.repliesPolicy, exclusive: list.exclusive })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateList(db: Db, id: string, changes: { title?: string; repliesPolicy?: RepliesPolicy; exclusive?: boolean }): Promise<void> {
  const set: Record<string, unknown> = {};
  if (changes.title !== undefined) set.title = changes.title;
  if (changes.repliesPolicy !== undefined) set.replies_policy = changes.repliesPolicy;
  if (changes.exclusive !== undefined) set.exclusive = changes.exclusive;
  if (Object.keys(set).length > 0) await db.updateTable("lists").set(set).where("id", "=", id).execute();
}

export async function deleteList(db: Db, id: string): Promise<void> {
  await db.deleteFrom("lists").where("id", "=", id).execute();
}

export async function findList(db: Db, ownerId: string, id: string): Promise<ListRow | undefined> {
  return db.selectFrom("lists").selectAll().where("actor_id", "=", ownerId).where("id", "=", id).executeTakeFirst();
}

export async function listsOf(db: Db, ownerId: string): Promise<ListRow[]> {
  return db
    .selectFrom("lists")
    .selectAll()
    .where("actor_id", "=", ownerId)
    .orderBy(sql`lower(title)`)
    .orderBy("id")
    .execute();
}

/** The owner's lists that hold an account. */
export async function listsHolding(db: Db, ownerId: string, accountId: string): Promise<ListRow[]> {
  return db
    .selectFrom("lists")
    .selectAll("lists")
    .where("lists.actor_id", "=", ownerId)
    .where("lists.id", "in", db.selectFrom("list_accounts").select("list_id").where("account_id", "=", accountId))
    .orderBy("lists.id")
    .execute();
}

export async function addListAccounts(db: Db, listId: string, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await db
    .insertInto("list_accounts")
    .values(accountIds.map((accountId) => ({ list_id: listId, account_id: accountId })))
    .onConflict((oc) => oc.columns(["list_id", "account_id"]).doNothing())
    .execute();
}

export async function removeListAccounts(db: Db, listId: string, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await db.deleteFrom("list_accounts").where("list_id", "=", listId).where("account_id", "in", accountIds).execute();
}

export async function listMembers(db: Db, listId: string, page: { maxId?: string | undefined; limit: number }): Promise<ActorRow[]> {
  let q = db
    .selectFrom("list_accounts")
    .innerJoin("actors", "actors.id", "list_accounts.account_id")
    .selectAll("actors")
    .where("list_accounts.list_id", "=", listId);
  if (page.maxId) q = q.where("actors.id", "<", page.maxId);
  return q.orderBy("actors.id", "desc").limit(page.limit).execute();
}

/** Takes an account out of every list of an owner (it was unfollowed). */
export async function removeFromOwnersLists(db: Db, ownerId: string, accountId: string): Promise<void> {
  await db
    .deleteFrom("list_accounts")
    .where("account_id", "=", accountId)
    .where("list_id", "in", db.selectFrom("lists").select("id").where("actor_id", "=", ownerId))
    .execute();
}
