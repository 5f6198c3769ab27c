// Asks the one visibility rule (src/domain/visibility.rules.ts) for every
// door, with the facts read in batch (src/db/queries/visibility.queries.ts).
// Doors call these; none decides visibility on its own.
import { audienceFactsFor, domainPresenceIn, groupFactsByIds } from "../db/queries/visibility.queries.ts";
import { viewerFactsFor } from "../db/queries/viewer-facts.queries.ts";
import type { ActorRow, PostRow } from "../db/schema.ts";
import { notFound } from "../domain/errors.ts";
import {
  canSee,
  NO_AUDIENCE,
  NO_RELATION,
  type GroupFacts,
  type PostAudience,
  type GroupRelation,
  type Viewer,
  type Visible,
} from "../domain/visibility.rules.ts";
import type { ServiceContext } from "./context.ts";
import { membershipFrom } from "./groups/membership.ts";

export type { Viewer } from "../domain/visibility.rules.ts";
export { viewerOf, ANONYMOUS } from "../domain/visibility.rules.ts";

type PostFacts = Pick<PostRow, "id" | "visibility" | "author_id" | "group_id">;

/** What the rule needs to decide for one viewer: the groups, the viewer's relation to each, its place in narrow posts' audiences. */
interface Facts {
  groups: Map<string, GroupFacts>;
  relations: Map<string, GroupRelation>;
  audiences: Map<string, PostAudience>;
}

/**
 * The facts for these groups and posts, read in batch: one statement for a
 * person (src/db/queries/viewer-facts.queries.ts), a few for an instance or
 * for nobody. Only private and direct posts need audience facts.
 */
async function factsFor(ctx: ServiceContext, viewer: Viewer, groupIds: string[], posts: PostFacts[] = []): Promise<Facts> {
  const relations = new Map<string, GroupRelation>();
  const audiences = new Map<string, PostAudience>();
  const narrow =
    viewer.kind === "anonymous"
      ? []
      : posts.filter((p) => (p.visibility === "private" || p.visibility === "direct") && !(viewer.kind === "actor" && p.author_id === viewer.actorId));
  if (viewer.kind === "actor") {
    if (groupIds.length === 0 && narrow.length === 0) return { groups: new Map(), relations, audiences };
    const facts = await viewerFactsFor(ctx.db, viewer.actorId, groupIds, narrow);
    for (const [id, f] of facts.memberships) relations.set(id, { ...NO_RELATION, membership: membershipFrom(f), viewerDomain: facts.viewerDomain });
    for (const p of narrow) audiences.set(p.id, { followsAuthor: facts.followedAuthors.has(p.author_id), mentioned: facts.mentioningPosts.has(p.id) });
    return { groups: facts.groups, relations, audiences };
  }
  const [groups, presence, audience] = await Promise.all([
    groupFactsByIds(ctx.db, groupIds),
    viewer.kind === "instance" && groupIds.length > 0 ? domainPresenceIn(ctx.db, viewer.host, groupIds) : null,
    viewer.kind === "instance" && narrow.length > 0 ? audienceFactsFor(ctx.db, { domain: viewer.host }, narrow) : null,
  ]);
  if (presence) {
    for (const id of groupIds) {
      relations.set(id, { membership: null, instanceHasMember: presence.members.has(id), instanceHasInvitee: presence.invitees.has(id) });
    }
  }
  if (audience) {
    for (const p of narrow) audiences.set(p.id, { followsAuthor: audience.followedAuthors.has(p.author_id), mentioned: audience.mentioningPosts.has(p.id) });
  }
  return { groups, relations, audiences };
}

/** The viewer's relation to each of these groups. */
export async function relationsTo(ctx: ServiceContext, viewer: Viewer, groupIds: string[]): Promise<Map<string, GroupRelation>> {
  return (await factsFor(ctx, viewer, groupIds)).relations;
}

async function decide(ctx: ServiceContext, viewer: Viewer, groupId: string, make: (group: GroupFacts) => Visible): Promise<boolean> {
  const facts = await factsFor(ctx, viewer, [groupId]);
  const group = facts.groups.get(groupId);
  if (!group) return false;
  return canSee(make(group), facts.relations.get(groupId) ?? NO_RELATION, viewer);
}

export function canSeeGroup(ctx: ServiceContext, viewer: Viewer, groupId: string): Promise<boolean> {
  return decide(ctx, viewer, groupId, (group) => ({ kind: "group", group }));
}

export function canSeeGroupContent(ctx: ServiceContext, viewer: Viewer, groupId: string): Promise<boolean> {
  return decide(ctx, viewer, groupId, (group) => ({ kind: "group-content", group }));
}

export function canSeeMemberList(ctx: ServiceContext, viewer: Viewer, groupId: string): Promise<boolean> {
  return decide(ctx, viewer, groupId, (group) => ({ kind: "member-list", group }));
}

/** The ids of the posts this viewer may see, decided in batch. */
export async function visiblePostIds(ctx: ServiceContext, viewer: Viewer, posts: PostFacts[]): Promise<Set<string>> {
  const groupIds = [...new Set(posts.map((p) => p.group_id).filter((id): id is string => id !== null))];
  return postsVisibleWith(await factsFor(ctx, viewer, groupIds, posts), viewer, posts);
}

function postsVisibleWith({ groups, relations, audiences }: Facts, viewer: Viewer, posts: PostFacts[]): Set<string> {
  const visible = new Set<string>();
  for (const post of posts) {
    // A Group actor without a groups row yet is a remote group we know nothing more of.
    const group = post.group_id ? (groups.get(post.group_id) ?? { actorId: post.group_id, visibility: "public" as const, isLocal: false }) : null;
    const relation = post.group_id ? (relations.get(post.group_id) ?? NO_RELATION) : NO_RELATION;
    const audience = audiences.get(post.id) ?? NO_AUDIENCE;
    if (canSee({ kind: "post", visibility: post.visibility, authorId: post.author_id, group, audience }, relation, viewer)) visible.add(post.id);
  }
  return visible;
}

/** What one viewer may read of a group's timeline (`readGroupTimeline`). */
export interface GroupTimelineRead<T> {
  /** The group itself is visible (false: a secret group, to an outsider; the door answers 404). */
  group: boolean;
  /** The viewer may read the group's content (false: a members-only group, to an outsider). */
  content: boolean;
  /** The posts the viewer may see, in order: none unless it may read the group's content. */
  items: T[];
}

/**
 * A group's timeline as the viewer may read it: whether the group itself is
 * visible (canSeeGroup), nothing unless it may read the group's content
 * (canSeeGroupContent), then the posts it may see — all decided on one read
 * of the facts, so a timeline asks once (ADR 0118).
 */
export async function readGroupTimeline<T>(
  ctx: ServiceContext,
  viewer: Viewer,
  groupId: string,
  items: T[],
  postOf: (item: T) => PostFacts,
): Promise<GroupTimelineRead<T>> {
  const posts = items.map(postOf);
  const groupIds = [...new Set([groupId, ...posts.map((p) => p.group_id).filter((id): id is string => id !== null)])];
  const facts = await factsFor(ctx, viewer, groupIds, posts);
  const group = facts.groups.get(groupId);
  const relation = facts.relations.get(groupId) ?? NO_RELATION;
  // A Group actor we never recorded as a group is as visible as a person (visibleActorIds), but shows no content.
  if (!group) return { group: true, content: false, items: [] };
  if (!canSee({ kind: "group", group }, relation, viewer)) return { group: false, content: false, items: [] };
  if (!canSee({ kind: "group-content", group }, relation, viewer)) return { group: true, content: false, items: [] };
  const visible = postsVisibleWith(facts, viewer, posts);
  return { group: true, content: true, items: items.filter((item) => visible.has(postOf(item).id)) };
}

export async function canSeePost(ctx: ServiceContext, viewer: Viewer, post: PostFacts): Promise<boolean> {
  return (await visiblePostIds(ctx, viewer, [post])).has(post.id);
}

/** Keeps the posts the viewer may see, in order. */
export async function filterVisiblePosts<T>(ctx: ServiceContext, viewer: Viewer, items: T[], postOf: (item: T) => PostFacts): Promise<T[]> {
  const visible = await visiblePostIds(ctx, viewer, items.map(postOf));
  return items.filter((item) => visible.has(postOf(item).id));
}

/**
 * Which of these instances may receive a group's content (its members are on
 * them): all, unless the group is a shared room, which reaches only the
 * organizations it admits. Null when the group is no shared room (no filter).
 */
export async function hostsAdmittedTo(ctx: ServiceContext, groupId: string, hosts: string[]): Promise<Set<string> | null> {
  const group = (await groupFactsByIds(ctx.db, [groupId])).get(groupId);
  if (!group?.room) return null;
  const member: GroupRelation = { membership: null, instanceHasMember: true, instanceHasInvitee: false };
  return new Set(hosts.filter((host) => canSee({ kind: "group-content", group }, member, { kind: "instance", host })));
}

/**
 * People are public; a group is visible as its rule says (a secret one is not
 * there for outsiders). With "group-content", a group only when the viewer
 * may read what it reads: for naming a group as having shared a post, which
 * tells what the group discusses (finding 52).
 */
export async function visibleActorIds(
  ctx: ServiceContext,
  viewer: Viewer,
  actors: Array<Pick<ActorRow, "id" | "type">>,
  asGroup: "group" | "group-content" = "group",
): Promise<Set<string>> {
  const groupIds = actors.filter((a) => a.type === "Group").map((a) => a.id);
  const { groups, relations } = await factsFor(ctx, viewer, groupIds);
  const visible = new Set<string>();
  for (const actor of actors) {
    if (actor.type !== "Group") {
      visible.add(actor.id);
      continue;
    }
    const group = groups.get(actor.id);
    // A Group actor we never recorded as a group (seen only as a sender) is as public as a person.
    if (!group || canSee({ kind: asGroup, group }, relations.get(actor.id) ?? NO_RELATION, viewer)) visible.add(actor.id);
  }
  return visible;
}

export async function canSeeActor(ctx: ServiceContext, viewer: Viewer, actor: Pick<ActorRow, "id" | "type">): Promise<boolean> {
  return (await visibleActorIds(ctx, viewer, [actor])).has(actor.id);
}

/** For doors that take an id: a thing the viewer may not see does not exist. */
export async function assertCanSeeActor<T extends Pick<ActorRow, "id" | "type">>(
  ctx: ServiceContext,
  viewer: Viewer,
  actor: T | null | undefined,
  what = "Record not found",
): Promise<T> {
  if (!actor || !(await canSeeActor(ctx, viewer, actor))) throw notFound(what);
  return actor;
}

/**
 * The accounts in someone's follower or following list that this viewer may
 * see named: people, and groups whose member list the viewer may read (a
 * membership in a members-only group is part of that group's member list).
 */
export async function visibleInMemberLists<T>(
  ctx: ServiceContext,
  viewer: Viewer,
  items: T[],
  actorOf: (item: T) => Pick<ActorRow, "id" | "type">,
): Promise<T[]> {
  const groupIds = items
    .map(actorOf)
    .filter((a) => a.type === "Group")
    .map((a) => a.id);
  const { groups, relations } = await factsFor(ctx, viewer, groupIds);
  return items.filter((item) => {
    const actor = actorOf(item);
    if (actor.type !== "Group") return true;
    const group = groups.get(actor.id);
    return !group || canSee({ kind: "member-list", group }, relations.get(actor.id) ?? NO_RELATION, viewer);
  });
}

/** A list of an account's followers or followees: a group's followers are its member list. */
export async function canListFollowsOf(
  ctx: ServiceContext,
  viewer: Viewer,
  actor: Pick<ActorRow, "id" | "type">,
  direction: "followers" | "following",
): Promise<boolean> {
  if (actor.type !== "Group" || direction === "following") return canSeeActor(ctx, viewer, actor);
  return canSeeMemberList(ctx, viewer, actor.id);
}

/** What the one rule says of one group for one viewer: the group itself, its content, its member list. */
export interface GroupAnswers {
  relation: GroupRelation;
  group: boolean;
  content: boolean;
  memberList: boolean;
}

/**
 * The rule's three answers for each of these groups, from one read of the
 * facts (a page that lists groups, or resolves one group for a whole request,
 * asks once instead of once per group and per question). A group with no
 * groups row is absent from the map.
 */
export async function groupAnswers(ctx: ServiceContext, viewer: Viewer, groupIds: string[]): Promise<Map<string, GroupAnswers>> {
  const { groups, relations } = await factsFor(ctx, viewer, groupIds);
  const answers = new Map<string, GroupAnswers>();
  for (const [id, group] of groups) {
    const relation = relations.get(id) ?? NO_RELATION;
    answers.set(id, {
      relation,
      group: canSee({ kind: "group", group }, relation, viewer),
      content: canSee({ kind: "group-content", group }, relation, viewer),
      memberList: canSee({ kind: "member-list", group }, relation, viewer),
    });
  }
  return answers;
}
