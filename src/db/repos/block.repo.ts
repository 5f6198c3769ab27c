// Mutes, blocks and per-account domain blocks.
import { sql, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { ActorRow, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function upsertMute(db: Db, actorId: string, targetId: string, options: { hideNotifications: boolean; expiresAt: Date | null }) {
  await db
    .insertInto("account_mutes")
    .values({ id: newId(), actor_id: actorId, target_id: targetId, hide_notifications: options.hideNotifications, expires_at: options.expiresAt })
    .onConflict((oc) => oc.columns(["actor_id", "target_id"]).doUpdateSet({ hide_notifications: options.hideNotifications, expires_at: options.expiresAt }))
    .execute();
}

export async function deleteMute(db: Db, actorId: string, targetId: string) {
  await db.deleteFrom("account_mutes").where("actor_id", "=", actorId).where("target_id", "=", targetId).execute();
}

/** Records a block once; answers the Block activity's id it is known by (a new one, or the first block's). */
export async function insertBlock(
  db: Db,
  actorId: string,
  targetId: string,
  activityUri: (id: string) => string | null = () => null,
): Promise<{ created: boolean; activityUri: string | null }> {
  const id = newId();
  const inserted = await db
    .insertInto("account_blocks")
    .values({ id, actor_id: actorId, target_id: targetId, activity_uri: activityUri(id) })
    .onConflict((oc) => oc.columns(["actor_id", "target_id"]).doNothing())
    .returning("activity_uri")
    .executeTakeFirst();
  if (inserted) return { created: true, activityUri: inserted.activity_uri };
  const existing = await db
    .selectFrom("account_blocks")
    .select("activity_uri")
    .where("actor_id", "=", actorId)
    .where("target_id", "=", targetId)
    .executeTakeFirst();
  return { created: false, activityUri: existing?.activity_uri ?? null };
}

/** Removes a block; answers the Block activity's id it was known by, if it was there. */
export async function deleteBlock(db: Db, actorId: string, targetId: string): Promise<{ deleted: boolean; activityUri: string | null }> {
  const row = await db
    .deleteFrom("account_blocks")
    .where("actor_id", "=", actorId)
    .where("target_id", "=", targetId)
    .returning("activity_uri")
    .executeTakeFirst();
  return { deleted: row !== undefined, activityUri: row?.activity_uri ?? null };
}

/** A received Undo(Block): only the blocker who sent the Block may lift it. */
export async function deleteBlockByActivity(db: Db, actorId: string, activityUri: string): Promise<boolean> {
  const row = await db.deleteFrom("account_blocks").where("actor_id", "=", actorId).where("activity_uri", "=", activityUri).returning("id").executeTakeFirst();
  return row !== undefined;
}

export async function isKnownBlockActivity(db: Db, activityUri: string): Promise<boolean> {
  return (await db.selectFrom("account_blocks").select("id").where("activity_uri", "=", activityUri).executeTakeFirst()) !== undefined;
}

export async function insertDomainBlock(db: Db, actorId: string, domain: string) {
  await db
    .insertInto("account_domain_blocks")
    .values({ id: newId(), actor_id: actorId, domain })
    .onConflict((oc) => oc.columns(["actor_id", "domain"]).doNothing())
    .execute();
}

export async function deleteDomainBlock(db: Db, actorId: string, domain: string) {
  await db.deleteFrom("account_domain_blocks").where("actor_id", "=", actorId).where("domain", "=", domain).execute();
}

/** Whether `actorId` blocks `targetId`. */
export async function isBlocking(db: Db, actorId: string, targetId: string): Promise<boolean> {
  const row = await db.selectFrom("account_blocks").select("id").where("actor_id", "=", actorId).where("target_id", "=", targetId).executeTakeFirst();
  return row !== undefined;
}

type Page = { maxId?: string | undefined; limit: number };

/** Muted or blocked accounts, most recent first, with the row id for paging. */
export async function listMuted(db: Db, actorId: string, page: Page): Promise<Array<{ rowId: string; actor: ActorRow }>> {
  let q = db
    .selectFrom("account_mutes")
    .innerJoin("actors", "actors.id", "account_mutes.target_id")
    .selectAll("actors")
    .select("account_mutes.id as row_id")
    .where("account_mutes.actor_id", "=", actorId)
    .where((eb) => eb.or([eb("account_mutes.expires_at", "is", null), eb("account_mutes.expires_at", ">", sql<Date>`now()`)]));
  if (page.maxId) q = q.where("account_mutes.id", "<", page.maxId);
  const rows = await q.orderBy("account_mutes.id", "desc").limit(page.limit).execute();
  return rows.map(({ row_id, ...actor }) => ({ rowId: row_id, actor: actor as ActorRow }));
}

export async function listBlocked(db: Db, actorId: string, page: Page): Promise<Array<{ rowId: string; actor: ActorRow }>> {
  let q = db
    .selectFrom("account_blocks")
    .innerJoin("actors", "actors.id", "account_blocks.target_id")
    .selectAll("actors")
    .select("account_blocks.id as row_id")
    .where("account_blocks.actor_id", "=", actorId);
  if (page.maxId) q = q.where("account_blocks.id", "<", page.maxId);
  const rows = await q.orderBy("account_blocks.id", "desc").limit(page.limit).execute();
  return rows.map(({ row_id, ...actor }) => ({ rowId: row_id, actor: actor as ActorRow }));
}

export async function listDomainBlocks(db: Db, actorId: string, page: Page): Promise<Array<{ id: string; domain: string }>> {
  let q = db.selectFrom("account_domain_blocks").select(["id", "domain"]).where("actor_id", "=", actorId);
  if (page.maxId) q = q.where("id", "<", page.maxId);
  return q.orderBy("id", "desc").limit(page.limit).execute();
}

export interface HiddenFilter {
  muting: Map<string, { notifications: boolean }>;
  blocking: Set<string>;
  blockedBy: Set<string>;
  domains: Set<string>;
}

/** Mute, block and domain-block facts between a viewer and some accounts, in one batch. */
export async function hiddenFacts(db: Db, viewerId: string, targetIds: string[]): Promise<HiddenFilter> {
  const facts: HiddenFilter = { muting: new Map(), blocking: new Set(), blockedBy: new Set(), domains: new Set() };
  const [mutes, blocks, blockedBy, domains] = await Promise.all([
    targetIds.length === 0
      ? []
      : db
          .selectFrom("account_mutes")
          .select(["target_id", "hide_notifications"])
          .where("actor_id", "=", viewerId)
          .where("target_id", "in", targetIds)
          .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
          .execute(),
    targetIds.length === 0
      ? []
      : db.selectFrom("account_blocks").select("target_id").where("actor_id", "=", viewerId).where("target_id", "in", targetIds).execute(),
    targetIds.length === 0
      ? []
      : db.selectFrom("account_blocks").select("actor_id").where("target_id", "=", viewerId).where("actor_id", "in", targetIds).execute(),
    db.selectFrom("account_domain_blocks").select("domain").where("actor_id", "=", viewerId).execute(),
  ]);
  for (const m of mutes) facts.muting.set(m.target_id, { notifications: m.hide_notifications });
  for (const b of blocks) facts.blocking.add(b.target_id);
  for (const b of blockedBy) facts.blockedBy.add(b.actor_id);
  for (const d of domains) facts.domains.add(d.domain);
  return facts;
}
