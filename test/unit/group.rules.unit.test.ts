import { describe, expect, it } from "vitest";
import { assertCanChangeRole, assertCanPost, assertCanShareOut, joinOutcome, normalizeSlug, type Membership } from "../../src/domain/group.rules.ts";
import { ANONYMOUS, canSee, viewerOf } from "../../src/domain/visibility.rules.ts";

const member: Membership = { state: "accepted", role: "member" };
const moderator: Membership = { state: "accepted", role: "moderator" };
const owner: Membership = { state: "accepted", role: "owner" };
const banned: Membership = { state: "banned", role: "member" };
const pending: Membership = { state: "pending", role: "member" };

const local = (visibility: "public" | "members_only" | "secret") => ({ actorId: "g", visibility, isLocal: true });
const as = (membership: Membership | null) => ({ membership, instanceHasMember: false, instanceHasInvitee: false });
const alice = viewerOf("alice");

describe("group visibility (the one rule)", () => {
  it("hides secret groups from outsiders but not from members or invitees", () => {
    expect(canSee({ kind: "group", group: local("secret") }, as(null), alice)).toBe(false);
    expect(canSee({ kind: "group", group: local("secret") }, as(pending), alice)).toBe(false);
    expect(canSee({ kind: "group", group: local("secret") }, as(member), alice)).toBe(true);
    expect(canSee({ kind: "group", group: local("secret") }, as({ state: "invited", role: "member" }), alice)).toBe(true);
    expect(canSee({ kind: "group", group: local("members_only") }, as(null), alice)).toBe(true);
    expect(canSee({ kind: "group", group: local("secret") }, as(null), ANONYMOUS)).toBe(false);
  });

  it("lets only members read members-only content and member lists", () => {
    for (const kind of ["group-content", "member-list"] as const) {
      expect(canSee({ kind, group: local("public") }, as(null), ANONYMOUS)).toBe(true);
      expect(canSee({ kind, group: local("members_only") }, as(null), alice)).toBe(false);
      expect(canSee({ kind, group: local("members_only") }, as(pending), alice)).toBe(false);
      expect(canSee({ kind, group: local("members_only") }, as(banned), alice)).toBe(false);
      expect(canSee({ kind, group: local("members_only") }, as(member), alice)).toBe(true);
    }
  });

  it("lets an instance read what its members may read, and nothing more", () => {
    const instance = { kind: "instance" as const, host: "b.example" };
    const present = { membership: null, instanceHasMember: true, instanceHasInvitee: false };
    const invitedOnly = { membership: null, instanceHasMember: false, instanceHasInvitee: true };
    expect(canSee({ kind: "group-content", group: local("secret") }, present, instance)).toBe(true);
    expect(canSee({ kind: "group", group: local("secret") }, invitedOnly, instance)).toBe(true);
    expect(canSee({ kind: "group-content", group: local("secret") }, invitedOnly, instance)).toBe(false);
    expect(canSee({ kind: "group-content", group: local("members_only") }, as(null), instance)).toBe(false);
  });

  it("shows a members-only post to members and its author only", () => {
    const post = { kind: "post" as const, visibility: "members_only" as const, authorId: "alice", group: local("public") };
    expect(canSee(post, as(null), alice)).toBe(true);
    expect(canSee(post, as(null), viewerOf("bob"))).toBe(false);
    expect(canSee(post, as(member), viewerOf("bob"))).toBe(true);
    expect(canSee({ ...post, visibility: "public" }, as(null), ANONYMOUS)).toBe(true);
  });
});

describe("posting and moderation", () => {
  it("refuses outsiders and banned members, and locked threads to non-moderators", () => {
    expect(() => assertCanPost(null)).toThrow(/join/);
    expect(() => assertCanPost(banned)).toThrow(/banned/);
    expect(() => assertCanPost(member)).not.toThrow();
    expect(() => assertCanPost(member, { threadLocked: true })).toThrow(/locked/);
    expect(() => assertCanPost(moderator, { threadLocked: true })).not.toThrow();
  });

  it("keeps the owner role in owners' hands", () => {
    expect(() => assertCanChangeRole(moderator, member, "moderator")).not.toThrow();
    expect(() => assertCanChangeRole(moderator, owner, "member")).toThrow(/owner/);
    expect(() => assertCanChangeRole(moderator, member, "owner")).toThrow(/owner/);
    expect(() => assertCanChangeRole(owner, member, "owner")).not.toThrow();
    expect(() => assertCanChangeRole(member, member, "moderator")).toThrow(/moderators/);
  });

  it("never lets members-only content be shared out", () => {
    expect(() => assertCanShareOut("members_only")).toThrow();
    expect(() => assertCanShareOut("secret")).toThrow();
    expect(() => assertCanShareOut("public")).not.toThrow();
  });
});

describe("joining", () => {
  it("follows the join policy", () => {
    expect(joinOutcome("open", null)).toBe("accepted");
    expect(joinOutcome("approval", null)).toBe("pending");
    expect(joinOutcome("invite", null)).toBe("refused");
    expect(joinOutcome("invite", { state: "invited", role: "member" })).toBe("accepted");
    expect(joinOutcome("open", banned)).toBe("refused");
  });

  it("validates group slugs", () => {
    expect(normalizeSlug(" Suppliers ")).toBe("suppliers");
    expect(() => normalizeSlug("a")).toThrow();
    expect(() => normalizeSlug("no spaces")).toThrow();
  });
});
