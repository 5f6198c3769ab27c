// Reports (Flag activities), ours and other instances'.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface NewReport {
  id: string;
  activityUri: string;
  reporterId: string;
  targetId: string | null;
  groupId: string | null;
  postUris: string[];
  comment: string | null;
  isLocal: boolean;
}

export async function insertReport(db: Db, report: NewReport): Promise<boolean> {
  const row = await db
    .insertInto("reports")
    .values({
      id: report.id,
      activity_uri: report.activityUri,
      reporter_id: report.reporterId,
      target_id: report.targetId,
      group_id: report.groupId,
      post_uris: JSON.stringify(report.postUris),
      comment: report.comment,
      is_local: report.isLocal,
    })
    .onConflict((oc) => oc.column("activity_uri").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Open reports, newest first (ids grow with time); with `before`/`limit`, one page of them (ADR 0056). */
export async function listOpenReports(db: Db, options: { groupIds: string[] | null; before?: string | undefined; limit?: number }) {
  let query = db
    .selectFrom("reports")
    .innerJoin("actors as reporter", "reporter.id", "reports.reporter_id")
    .leftJoin("actors as target", "target.id", "reports.target_id")
    .leftJoin("actors as grp", "grp.id", "reports.group_id")
    .select([
      "reports.id",
      "reports.comment",
      "reports.post_uris",
      "reports.created_at",
      "reports.is_local",
      "reporter.uri as reporter_uri",
      "reporter.username as reporter_username",
      "reporter.domain as reporter_domain",
      "target.uri as target_uri",
      "target.username as target_username",
      "target.domain as target_domain",
      "grp.uri as group_uri",
    ])
    .where("reports.resolved_at", "is", null)
    .orderBy("reports.id", "desc");
  if (options.before !== undefined) query = query.where("reports.id", "<", options.before);
  if (options.limit !== undefined) query = query.limit(options.limit);
  if (options.groupIds) {
    if (options.groupIds.length === 0) return [];
    query = query.where("reports.group_id", "in", options.groupIds);
  }
  return query.execute();
}

export async function resolveReport(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable("reports").set({ resolved_at: new Date() }).where("id", "=", id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findReportById(db: Db, id: string) {
  return db.selectFrom("reports").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Reports filed since `since` by one actor, or by every actor of one domain (remote origins). */
export async function countReportsSince(db: Db, by: { reporterId: string } | { reporterDomain: string }, since: Date): Promise<number> {
  let query = db
    .selectFrom("reports")
    .innerJoin("actors as reporter", "reporter.id", "reports.reporter_id")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("reports.created_at", ">=", since);
  query = "reporterId" in by ? query.where("reports.reporter_id", "=", by.reporterId) : query.where("reporter.domain", "=", by.reporterDomain);
  const row = await query.executeTakeFirst();
  return Number(row?.count ?? 0);
}
