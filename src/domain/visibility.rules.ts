// The one visibility rule: may this viewer see this thing? Every door asks it
// (Mastodon API, Ecotone API, web pages, ActivityPub dispatchers and
// collections, streaming, media files) through src/services/visibility.service.ts,
// which gathers the facts in batch. Nothing else decides visibility.
//
// Secret things do not exist for outsiders: the doors answer 404, never 403.
import type { GroupVisibility, Membership } from "./group.rules.ts";
import { roomAdmits } from "./organization.rules.ts";

/** Who is looking. An instance actor fetches on behalf of its members. */
export type Viewer = { kind: "anonymous" } | { kind: "actor"; actorId: string } | { kind: "instance"; host: string };

export const ANONYMOUS: Viewer = { kind: "anonymous" };

export function viewerOf(actorId: string | null | undefined): Viewer {
  return actorId ? { kind: "actor", actorId } : ANONYMOUS;
}

export interface GroupFacts {
  actorId: string;
  visibility: GroupVisibility;
  isLocal: boolean;
  /** A shared room of ours: the organizations it admits (ADR 41). Absent: not a shared room. */
  room?: { homeDomain: string; listed: boolean; accepted: ReadonlySet<string> } | undefined;
}

/** The viewer's relation to one group. */
export interface GroupRelation {
  membership: Membership | null;
  /** For an instance viewer: one of its people is a member (or invited, for the group itself). */
  instanceHasMember: boolean;
  instanceHasInvitee: boolean;
  /** The domain of an actor viewer (asked only for shared rooms). */
  viewerDomain?: string | null | undefined;
}

export const NO_RELATION: GroupRelation = { membership: null, instanceHasMember: false, instanceHasInvitee: false };

/**
 * Who a post is for. Outside groups, Mastodon's four audiences: `unlisted`
 * is public but kept out of public and tag timelines, `private` is for the
 * author's followers and the people it mentions, `direct` for the mentioned
 * people only. In a group, `members_only` (or `public` in a public group).
 */
export type PostVisibility = "public" | "unlisted" | "private" | "direct" | "members_only";

/**
 * The viewer's place in a post's audience. For an instance viewer: one of
 * its people follows the author, or is mentioned.
 */
export interface PostAudience {
  followsAuthor: boolean;
  mentioned: boolean;
}

export const NO_AUDIENCE: PostAudience = { followsAuthor: false, mentioned: false };

export type Visible =
  /** The group itself: its profile, its handle, its place in lists. */
  | { kind: "group"; group: GroupFacts }
  /** What is inside a group: posts, threads, tasks, ideas. */
  | { kind: "group-content"; group: GroupFacts }
  /** Who belongs to the group. */
  | { kind: "member-list"; group: GroupFacts }
  /** One post (its media follow it). */
  | { kind: "post"; visibility: PostVisibility; authorId: string; group: GroupFacts | null; audience?: PostAudience };

function isMember(m: Membership | null): boolean {
  return m?.state === "accepted";
}

/**
 * What we can say of a group we are not the home of: our copy's visibility
 * is what its home told us, and members-only content reaches us only
 * through the group, so we show it to the members we know of.
 */
function effectiveVisibility(group: GroupFacts): GroupVisibility {
  if (group.isLocal) return group.visibility;
  return group.visibility === "secret" ? "secret" : "members_only";
}

function seesGroup(group: GroupFacts, relation: GroupRelation, viewer: Viewer): boolean {
  if (group.visibility !== "secret") return true;
  if (viewer.kind === "instance") return relation.instanceHasMember || relation.instanceHasInvitee;
  return isMember(relation.membership) || relation.membership?.state === "invited";
}

function readsContent(group: GroupFacts, relation: GroupRelation, viewer: Viewer): boolean {
  if (group.isLocal && group.visibility === "public") return true;
  if (viewer.kind === "instance") return relation.instanceHasMember;
  return isMember(relation.membership);
}

/**
 * A shared room between named companies shows itself and its content only to
 * people and instances of its home and of the organizations that accepted
 * its invitation — whatever membership someone of another organization may
 * hold (joined before the room was restricted, or their company left).
 */
function sharedRoomAdmits(group: GroupFacts | null, relation: GroupRelation, viewer: Viewer): boolean {
  if (!group?.room?.listed) return true;
  const domain = viewer.kind === "instance" ? viewer.host : viewer.kind === "actor" ? relation.viewerDomain : null;
  return typeof domain === "string" && roomAdmits(group.room, domain);
}

export function canSee(object: Visible, relation: GroupRelation, viewer: Viewer): boolean {
  if (!sharedRoomAdmits(object.group, relation, viewer)) return false;
  switch (object.kind) {
    case "group":
      return seesGroup(object.group, relation, viewer);
    case "group-content":
      return seesGroup(object.group, relation, viewer) && readsContent(object.group, relation, viewer);
    case "member-list":
      // A remote public group's member list is the home's to show; ours lists who we know.
      if (effectiveVisibility(object.group) === "public") return true;
      return seesGroup(object.group, relation, viewer) && readsContent(object.group, relation, viewer);
    case "post": {
      if (viewer.kind === "actor" && viewer.actorId === object.authorId) return true;
      if (object.group && !seesGroup(object.group, relation, viewer)) return false;
      if (object.visibility === "public" || object.visibility === "unlisted") return true;
      if (object.visibility === "private") return (object.audience ?? NO_AUDIENCE).followsAuthor || (object.audience ?? NO_AUDIENCE).mentioned;
      if (object.visibility === "direct") return (object.audience ?? NO_AUDIENCE).mentioned;
      if (!object.group) return false;
      return readsContent({ ...object.group, visibility: object.group.visibility === "public" ? "members_only" : object.group.visibility }, relation, viewer);
    }
  }
}

/** Groups are listed in directories unless secret. */
export function isListed(visibility: GroupVisibility): boolean {
  return visibility !== "secret";
}
