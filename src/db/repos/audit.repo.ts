// The audit log: one row per admin or moderator action, never changed.
import type { Kysely, Selectable, Transaction } from "kysely";
import type { AuditLogTable, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type AuditRow = Selectable<AuditLogTable>;

export async function insertAuditEntry(db: Db, entry: Omit<AuditRow, "created_at">): Promise<void> {
  await db.insertInto("audit_log").values(entry).execute();
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  since?: Date | undefined;
  /** Only entries about these groups (a moderator's view). */
  groupIds?: string[] | undefined;
  limit: number;
}

export async function findAuditEntries(db: Db, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db.selectFrom("audit_log").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit);
  if (filter.actor) {
    const actor = filter.actor;
    query = query.where((eb) => eb.or([eb("actor_handle", "=", actor), eb("actor_uri", "=", actor)]));
  }
  if (filter.action) {
    // "group" matches group.ban, group.invite…; "group.ban" matches itself.
    query = filter.action.includes(".")
      ? query.where("action", "=", filter.action)
      : query.where("action", "like", `${filter.action.replace(/[%_\\]/g, "")}.%`);
  }
  if (filter.target) query = query.where("target", "like", `%${filter.target.replace(/[%_\\]/g, "")}%`);
  if (filter.since) query = query.where("created_at", ">=", filter.since);
  if (filter.groupIds) {
    if (filter.groupIds.length === 0) return [];
    query = query.where("group_id", "in", filter.groupIds);
  }
  return query.execute();
}

/** Groups in which the actor is an owner or moderator. */
export async function findGroupsModeratedBy(db: Db, actorId: string): Promise<string[]> {
  const rows = await db.selectFrom("group_roles").select("group_id").where("member_id", "=", actorId).execute();
  return rows.map((r) => r.group_id);
}
