// The audit log of admin and moderator actions: who, what, target, when,
// from which instance. Services record an entry in the same transaction as
// the action; admins read all of it, moderators their groups' entries.
import type { Kysely, Transaction } from "kysely";
import { findAuditEntries, findGroupsModeratedBy, insertAuditEntry, type AuditRow } from "../../db/repos/audit.repo.ts";
import type { Database } from "../../db/schema.ts";
import { forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import { domainOf } from "../../domain/uris.ts";
import { findLocalActorByUsername } from "../../db/queries/actor.queries.ts";
import type { ServiceContext } from "../context.ts";

/** Who did it: a person (local or a remote moderator), or the admin CLI on the server. */
export interface AuditActor {
  uri: string;
  handle: string;
  domain: string;
}

export function cliActor(ctx: ServiceContext): AuditActor {
  return { uri: new URL("/#admin-cli", ctx.origin).href, handle: "admin CLI", domain: domainOf(ctx.origin) };
}

export function auditActorOf(actor: { uri: string; username: string; domain: string }): AuditActor {
  return { uri: actor.uri, handle: `@${actor.username}@${actor.domain}`, domain: actor.domain };
}

// Read straight from the account (not through actor.service, which needs this module).
async function localPerson(ctx: ServiceContext, username: string) {
  const actor = await findLocalActorByUsername(ctx.db, username);
  if (!actor || !actor.user_id) throw notFound(`No local user "${username}"`);
  return actor;
}

/** The signed-in person, when they are an administrator of this instance. */
export async function requireAdmin(ctx: ServiceContext, username: string): Promise<AuditActor> {
  const actor = await localPerson(ctx, username);
  if (actor.role !== "admin") throw forbidden("Only the instance's administrators can do this");
  return auditActorOf(actor);
}

export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  by: AuditActor,
  entry: { action: string; target?: string | null; groupId?: string | null; details?: Record<string, unknown> | null },
): Promise<void> {
  await insertAuditEntry(db, {
    id: newId(),
    actor_uri: by.uri,
    actor_handle: by.handle,
    instance: by.domain,
    action: entry.action,
    target: entry.target ?? null,
    group_id: entry.groupId ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
  });
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
  actorUri: string;
  instance: string;
  action: string;
  target: string | null;
  groupId: string | null;
  details: Record<string, unknown> | null;
}

function toView(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    at: row.created_at.toISOString(),
    actor: row.actor_handle,
    actorUri: row.actor_uri,
    instance: row.instance,
    action: row.action,
    target: row.target,
    groupId: row.group_id,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
  };
}

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
}

/** Admins read every entry; moderators the entries about the groups they moderate. */
export async function listAudit(ctx: ServiceContext, viewerUsername: string, query: AuditQuery): Promise<AuditEntryView[]> {
  const viewer = await localPerson(ctx, viewerUsername);
  let groupIds: string[] | undefined;
  if (viewer.role !== "admin") {
    groupIds = await findGroupsModeratedBy(ctx.db, viewer.id);
    if (groupIds.length === 0 && viewer.role !== "moderator") {
      throw forbidden("The audit log is for administrators and moderators");
    }
  }
  let since: Date | undefined;
  if (query.since) {
    since = new Date(query.since);
    if (Number.isNaN(since.getTime())) throw validationFailed(`"since" must be a date like 2026-12-01 or 2026-12-01T10:00:00Z`, { field: "since" });
  }
  const limit = query.limit === undefined ? 500 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw validationFailed(`"limit" must be a whole number from 1 to 10000`, { field: "limit" });
  const rows = await findAuditEntries(ctx.db, { actor: query.actor, action: query.action, target: query.target, since, groupIds, limit });
  return rows.map(toView);
}

const CSV_COLUMNS = ["at", "actor", "instance", "action", "target", "groupId", "details"] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  // Quote everything; a leading = + - @ is neutralised so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function auditCsv(entries: AuditEntryView[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => csvCell(e[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}
