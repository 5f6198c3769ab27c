// Reports (Flag): a member reports an account or posts. The report reaches
// the group's moderators and the reported account's instance admins, on
// whichever instances they are.
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { countReportsSince, findReportById, insertReport, listOpenReports, resolveReport as markResolved } from "../../db/repos/report.repo.ts";
import { listGroupsOfMember } from "../../db/queries/group.queries.ts";
import type { ActorRow, PostRow } from "../../db/schema.ts";
import { DomainError, forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { LOCAL_REPORTS_PER_WINDOW, REMOTE_FLAGS_PER_ORIGIN_PER_WINDOW, REPORT_WINDOW_MS, reportLimitReached } from "../../domain/report.rules.ts";
import { isModerator } from "../../domain/group.rules.ts";
import { newId } from "../../domain/ids.ts";
import { keysetPage } from "../../domain/keyset-page.ts";
import { requireLocalUserActor, resolveActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { commitAndWake } from "../commit.ts";
import { membershipOf } from "../groups/group.service.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { canViewPost } from "./post.service.ts";
import { auditActorOf, recordAudit } from "../organizations/audit.service.ts";

export async function fileReport(
  ctx: ServiceContext,
  username: string,
  input: { target?: string | undefined; postIds?: string[] | undefined; comment?: string | undefined },
): Promise<{ id: string }> {
  const reporter = await requireLocalUserActor(ctx, username);
  const filed = await countReportsSince(ctx.db, { reporterId: reporter.id }, new Date(Date.now() - REPORT_WINDOW_MS));
  if (reportLimitReached(filed, LOCAL_REPORTS_PER_WINDOW)) {
    throw new DomainError(
      "rate_limited",
      `You filed ${LOCAL_REPORTS_PER_WINDOW} reports in the last hour; wait a while before filing more, or ask an admin directly`,
    );
  }
  const posts: PostRow[] = [];
  for (const id of input.postIds ?? []) {
    const post = await findPostById(ctx.db, id);
    if (!post || !(await canViewPost(ctx, post, reporter.id))) throw notFound(`No post ${id}`);
    posts.push(post);
  }
  let target: ActorRow | undefined;
  if (input.target) target = await resolveActor(ctx, input.target);
  else if (posts[0]) target = await findActorById(ctx.db, posts[0].author_id);
  if (!target && posts.length === 0) throw validationFailed("Say what you report: a target account, posts, or both");
  if (input.comment && input.comment.length > 2000) throw validationFailed("A report comment is at most 2000 characters");
  const id = newId();
  await commitAndWake(ctx, async (trx) => {
    await insertReport(trx, {
      id,
      activityUri: new URL(`/reports/${id}`, ctx.origin).href,
      reporterId: reporter.id,
      targetId: target?.id ?? null,
      groupId: posts[0]?.group_id ?? null,
      postUris: posts.map((p) => p.uri),
      comment: input.comment?.trim() || null,
      isLocal: true,
    });
    await recordOutboxEvent(trx, { type: "report.filed", reportId: id });
  });
  return { id };
}

/** A Flag from another instance about our accounts or posts, or posts in our groups. */
export async function receiveFlag(
  ctx: ServiceContext,
  activity: IncomingActivity,
  reporter: ActorRow,
  objectUris: string[],
  comment: string | null,
): Promise<void> {
  let target: ActorRow | undefined;
  const postUris: string[] = [];
  let groupId: string | null = null;
  for (const uri of objectUris) {
    const post = await findPostByUri(ctx.db, uri);
    if (post) {
      postUris.push(post.uri);
      groupId ??= post.group_id;
      continue;
    }
    const actor = await findActorByUri(ctx.db, uri);
    if (actor) target ??= actor;
  }
  if (!target && postUris.length === 0) return;
  // Per origin, not per actor: a server mints actors at will.
  const fromOrigin = await countReportsSince(ctx.db, { reporterDomain: reporter.domain }, new Date(Date.now() - REPORT_WINDOW_MS));
  if (reportLimitReached(fromOrigin, REMOTE_FLAGS_PER_ORIGIN_PER_WINDOW)) {
    ctx.logger.warn({ origin: reporter.domain, activity: activity.uri }, "Flag dropped: this origin reached its report limit for the hour");
    return;
  }
  await applyOnce(ctx, activity, async (trx) => {
    await insertReport(trx, {
      id: newId(),
      activityUri: activity.uri,
      reporterId: reporter.id,
      targetId: target?.id ?? null,
      groupId,
      postUris,
      comment: comment ? comment.slice(0, 2000) : null,
      isLocal: false,
    });
  });
}

/** Instance admins and moderators see every report; group moderators, their groups'. */
export async function listReports(ctx: ServiceContext, username: string) {
  return (await readReports(ctx, username, {})).map(toReportView);
}

/** One page of the open reports this person may read, newest first, read as a page (LIMIT n+1, ADR 0056). */
export async function pageReports(ctx: ServiceContext, username: string, before: string | undefined, size: number) {
  const rows = await readReports(ctx, username, { before, limit: size + 1 });
  return keysetPage(rows.map(toReportView), size, (r) => r.id);
}

/** The groups whose reports this person handles: null for the instance's staff (every report). */
async function reportScope(ctx: ServiceContext, username: string): Promise<{ user: ActorRow; groupIds: string[] | null }> {
  const user = await requireLocalUserActor(ctx, username);
  if (user.role === "admin" || user.role === "moderator") return { user, groupIds: null };
  const groupIds: string[] = [];
  for (const groupId of await listGroupsOfMember(ctx.db, user.id)) {
    if (isModerator(await membershipOf(ctx, groupId, user.id))) groupIds.push(groupId);
  }
  if (groupIds.length === 0) throw forbidden("Only moderators and admins read reports");
  return { user, groupIds };
}

async function readReports(ctx: ServiceContext, username: string, page: { before?: string | undefined; limit?: number }) {
  const { groupIds } = await reportScope(ctx, username);
  return listOpenReports(ctx.db, { groupIds, ...page });
}

function toReportView(r: Awaited<ReturnType<typeof listOpenReports>>[number]) {
  return {
    id: r.id,
    comment: r.comment,
    postUris: r.post_uris,
    createdAt: r.created_at.toISOString(),
    fromThisInstance: r.is_local,
    reporter: `@${r.reporter_username}@${r.reporter_domain}`,
    target: r.target_username ? `@${r.target_username}@${r.target_domain}` : null,
    group: r.group_uri,
  };
}

/** Staff resolve any report; a group's moderators only their groups' (as absent, a report they may not read). */
export async function resolveReport(ctx: ServiceContext, username: string, reportId: string): Promise<void> {
  const { user: resolver, groupIds } = await reportScope(ctx, username);
  await ctx.db.transaction().execute(async (trx) => {
    const report = await findReportById(trx, reportId);
    const theirs = report !== undefined && (groupIds === null || (report.group_id !== null && groupIds.includes(report.group_id)));
    if (!theirs || !(await markResolved(trx, reportId))) throw notFound(`No report ${reportId}`);
    await recordAudit(trx, auditActorOf(resolver), { action: "report.resolved", target: reportId, groupId: report.group_id });
  });
}

/** What the outbox needs to send a report we filed. */
export async function getReportForDelivery(ctx: ServiceContext, reportId: string) {
  const row = await findReportById(ctx.db, reportId);
  if (!row || !row.is_local) return null;
  return {
    target: row.target_id ? ((await findActorById(ctx.db, row.target_id)) ?? null) : null,
    groupId: row.group_id,
    postUris: row.post_uris,
    comment: row.comment,
  };
}
