// Who may see and do what in a group. One copy of each rule: the API, the web
// interface and the inbox all ask these functions.
import { forbidden, notFound, validationFailed } from "./errors.ts";

export const GROUP_VISIBILITIES = ["public", "members_only", "secret"] as const;
export type GroupVisibility = (typeof GROUP_VISIBILITIES)[number];

export const JOIN_POLICIES = ["open", "approval", "invite"] as const;
export type JoinPolicy = (typeof JOIN_POLICIES)[number];

export const GROUP_ROLES = ["owner", "moderator", "member"] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export type MembershipState = "pending" | "invited" | "accepted" | "banned";

/** The viewer's relation to a group; null when they have none. */
export interface Membership {
  state: MembershipState;
  role: GroupRole;
}

export function isMember(m: Membership | null): boolean {
  return m?.state === "accepted";
}

export function isModerator(m: Membership | null): boolean {
  return isMember(m) && (m!.role === "owner" || m!.role === "moderator");
}

// Who may see a group, its content and its members: src/domain/visibility.rules.ts.

export function assertCanPost(m: Membership | null, options: { threadLocked?: boolean } = {}): void {
  if (m?.state === "banned") throw forbidden("You are banned from this group");
  if (!isMember(m)) throw forbidden("Only members can post in this group; join it first");
  if (options.threadLocked && !isModerator(m)) throw forbidden("This thread is locked by the moderators");
}

/**
 * Editing one's own post in a group: only while a member. A banned or departed
 * member's edit would be relayed to every member instance as the group's word.
 */
export function assertCanEditInGroup(m: Membership | null): void {
  if (m?.state === "banned") throw forbidden("You are banned from this group: your posts there can no longer be edited");
  if (!isMember(m)) throw forbidden("Only members can edit their posts in this group; join it again first");
}

export function assertCanModerate(m: Membership | null): void {
  if (!isModerator(m)) throw forbidden("Only the group's moderators can do this");
}

export type JoinOutcome = "accepted" | "pending" | "refused";

/** What a join request becomes under the group's policy. */
export function joinOutcome(policy: JoinPolicy, m: Membership | null): JoinOutcome {
  if (m?.state === "banned") return "refused";
  if (m?.state === "accepted") return "accepted";
  if (m?.state === "invited") return "accepted";
  switch (policy) {
    case "open":
      return "accepted";
    case "approval":
      return "pending";
    case "invite":
      return "refused";
  }
}

/**
 * Content from members-only and secret groups never leaves its group: sharing
 * it elsewhere would hand it to people the group did not admit.
 */
export function assertCanShareOut(sourceVisibility: GroupVisibility): void {
  if (sourceVisibility !== "public") {
    throw forbidden("Posts of a members-only or secret group cannot be shared outside it");
  }
}

/** Owners cannot be demoted by moderators, and a group keeps at least one owner. */
export function assertCanChangeRole(actor: Membership | null, target: Membership | null, newRole: GroupRole): void {
  assertCanModerate(actor);
  if (!target || target.state !== "accepted") throw notFound("That account is not a member of this group");
  if ((target.role === "owner" || newRole === "owner") && actor!.role !== "owner") {
    throw forbidden("Only an owner can grant or take the owner role");
  }
}

const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{1,47}$/;

export function normalizeSlug(raw: string): string {
  const slug = raw.trim().toLowerCase();
  if (!SLUG_PATTERN.test(slug)) {
    throw validationFailed(`Group name "${raw}" is not valid: use 2–48 lowercase letters, digits, - or _`, {
      field: "slug",
    });
  }
  return slug;
}

export function parseVisibility(raw: string): GroupVisibility {
  if (!(GROUP_VISIBILITIES as readonly string[]).includes(raw)) {
    throw validationFailed(`Visibility "${raw}" is not one of ${GROUP_VISIBILITIES.join(", ")}`, { field: "visibility" });
  }
  return raw as GroupVisibility;
}

export function parseJoinPolicy(raw: string): JoinPolicy {
  if (!(JOIN_POLICIES as readonly string[]).includes(raw)) {
    throw validationFailed(`Join policy "${raw}" is not one of ${JOIN_POLICIES.join(", ")}`, { field: "joinPolicy" });
  }
  return raw as JoinPolicy;
}
