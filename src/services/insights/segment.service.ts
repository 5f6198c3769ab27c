// Segments: save a description of a set of people, list its members (JSON or
// CSV), invite them to a group, address an announcement to them. Admins keep segments over everyone; a group's
// moderators over the members of their group (src/domain/segment.rules.ts).
import { notFound, validationFailed } from "../../domain/errors.ts";
import { isModerator } from "../../domain/group.rules.ts";
import { newId } from "../../domain/ids.ts";
import {
  assertCanKeepSegment,
  checkSegmentFilter,
  csvField,
  MAX_ANNOUNCED,
  MAX_EXPORT,
  MAX_INVITES,
  MAX_LISTED,
  type SegmentFilter,
} from "../../domain/segment.rules.ts";
import { segmentMembers, type SegmentMemberRow } from "../../db/queries/segment.queries.ts";
import { deleteSegment, findSegment, insertSegment, listSegmentsOf, type SegmentRow } from "../../db/repos/segment.repo.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { Caller } from "../caller.ts";

/** Who asks: the API's caller or the web's signed-in user. */
type Who = Pick<Caller, "username" | "role">;
import type { ServiceContext } from "../context.ts";
import { findGroup, inviteToGroup, membershipOf } from "../groups/group.service.ts";
import { createPost } from "../posts/post.service.ts";
import { checkPostText } from "../../domain/post.rules.ts";

export interface SegmentView {
  id: string;
  name: string;
  filter: SegmentFilter;
  createdAt: Date;
}

const toView = (row: SegmentRow): SegmentView => ({ id: row.id, name: row.name, filter: row.filter, createdAt: row.created_at });

/** The group a filter names, resolved for the caller, and whether they moderate it. */
async function groupOf(ctx: ServiceContext, actorId: string, filter: SegmentFilter) {
  if (!filter.group) return { groupId: null, moderates: false };
  const group = await findGroup(ctx, filter.group, actorId);
  return { groupId: group.actor.id, moderates: isModerator(await membershipOf(ctx, group.actor.id, actorId)) };
}

export async function createSegment(ctx: ServiceContext, caller: Who, input: { name: string; filter: SegmentFilter }): Promise<SegmentView> {
  const me = await requireLocalUserActor(ctx, caller.username);
  checkSegmentFilter(input.filter);
  const { moderates } = await groupOf(ctx, me.id, input.filter);
  assertCanKeepSegment(caller.role, input.filter, moderates);
  const id = newId();
  await insertSegment(ctx.db, { id, ownerId: me.id, name: input.name.trim(), filter: input.filter });
  return toView((await findSegment(ctx.db, id))!);
}

/** A segment its owner (or an admin) may use; anyone else is told it does not exist. */
async function usableSegment(ctx: ServiceContext, caller: Who, id: string) {
  const me = await requireLocalUserActor(ctx, caller.username);
  const segment = /^\d{1,20}$/.test(id) ? await findSegment(ctx.db, id) : null;
  if (!segment || (segment.owner_id !== me.id && caller.role !== "admin")) throw notFound(`No segment ${id}`);
  const { groupId, moderates } = await groupOf(ctx, me.id, segment.filter);
  // A moderator who stepped down no longer sees the group's members through an old segment.
  assertCanKeepSegment(caller.role, segment.filter, moderates);
  return { me, segment, groupId };
}

export async function listSegments(ctx: ServiceContext, caller: Who): Promise<SegmentView[]> {
  const me = await requireLocalUserActor(ctx, caller.username);
  return (await listSegmentsOf(ctx.db, me.id)).map(toView);
}

export async function getSegment(ctx: ServiceContext, caller: Who, id: string): Promise<SegmentView> {
  return toView((await usableSegment(ctx, caller, id)).segment);
}

export async function removeSegment(ctx: ServiceContext, caller: Who, id: string): Promise<void> {
  await usableSegment(ctx, caller, id);
  await deleteSegment(ctx.db, id);
}

export interface SegmentMember {
  handle: string;
  uri: string;
  name: string | null;
  organization: string;
  audience: string;
  relationship: string;
}

const toMember = (r: SegmentMemberRow): SegmentMember => ({
  handle: `@${r.username}@${r.domain}`,
  uri: r.uri,
  name: r.name,
  organization: r.domain,
  audience: r.audience,
  relationship: r.relationship,
});

const today = () => new Date().toISOString().slice(0, 10);

export async function segmentMemberList(
  ctx: ServiceContext,
  caller: Who,
  id: string,
): Promise<{ segment: SegmentView; total: number | null; items: SegmentMember[] }> {
  const { segment, groupId } = await usableSegment(ctx, caller, id);
  const rows = await segmentMembers(ctx.db, segment.filter, groupId, today(), MAX_LISTED + 1);
  return { segment: toView(segment), total: rows.length > MAX_LISTED ? null : rows.length, items: rows.slice(0, MAX_LISTED).map(toMember) };
}

// `account` is user@host, as Mastodon's exports write it (a leading @ would be
// escaped as a spreadsheet formula).
const CSV_COLUMNS = ["account", "name", "organization", "audience", "relationship", "uri"] as const;

export async function segmentMembersCsv(ctx: ServiceContext, caller: Who, id: string): Promise<{ name: string; csv: string }> {
  const { segment, groupId } = await usableSegment(ctx, caller, id);
  const rows = (await segmentMembers(ctx.db, segment.filter, groupId, today(), MAX_EXPORT)).map(toMember);
  const lines = [CSV_COLUMNS.join(","), ...rows.map((m) => CSV_COLUMNS.map((c) => csvField(c === "account" ? m.handle.slice(1) : m[c])).join(","))];
  return { name: segment.name, csv: `${lines.join("\r\n")}\r\n` };
}

/** Invites the segment's members to a group the caller moderates; members already there are skipped. */
export async function inviteSegment(ctx: ServiceContext, caller: Who, id: string, groupRef: string) {
  const { me, segment, groupId } = await usableSegment(ctx, caller, id);
  const target = await findGroup(ctx, groupRef, me.id);
  const rows = await segmentMembers(ctx.db, segment.filter, groupId, today(), MAX_INVITES + 1);
  if (rows.length > MAX_INVITES) {
    throw validationFailed(`This segment has more than ${MAX_INVITES} people; narrow its filter or share the group's invite link instead`, {
      field: "segment",
    });
  }
  let invited = 0;
  let skipped = 0;
  for (const row of rows) {
    // Members, people already invited or asking, and the banned are left alone.
    if (await membershipOf(ctx, target.actor.id, row.id)) {
      skipped++;
      continue;
    }
    await inviteToGroup(ctx, caller.username, target.actor.id, row.uri);
    invited++;
  }
  return { invited, skipped };
}

/**
 * Addresses an announcement to the segment's members as it is now: one direct
 * post to each (naming only them, so nobody learns who else is in the
 * segment), through the ordinary post path: their server delivers it, and
 * they get it as a mention (notification, push, mail as they chose).
 */
export async function announceToSegment(ctx: ServiceContext, caller: Who, id: string, text: string): Promise<{ sent: number; posts: string[] }> {
  const { me, segment, groupId } = await usableSegment(ctx, caller, id);
  checkPostText(text);
  const rows = (await segmentMembers(ctx.db, segment.filter, groupId, today(), MAX_ANNOUNCED + 2)).filter((r) => r.id !== me.id);
  if (rows.length > MAX_ANNOUNCED) {
    throw validationFailed(`This segment has more than ${MAX_ANNOUNCED} people; narrow its filter, or post in a group they belong to`, { field: "segment" });
  }
  const posts: string[] = [];
  for (const row of rows) {
    const post = await createPost(ctx, caller.username, { content: `@${row.username}@${row.domain} ${text.trim()}`, visibility: "direct", format: "text" });
    posts.push(post.uri);
  }
  ctx.logger.info({ segment: segment.id, sent: posts.length }, "announcement sent to a segment");
  return { sent: posts.length, posts };
}
