import { describe, expect, it } from "vitest";
import {
  assertCanChangeRole,
  assertCanPost,
  assertCanShareOut,
  canReadContent,
  canSeeGroup,
  joinOutcome,
  normalizeSlug,
  type Membership,
} from "../../src/domain/group.rules.ts";

const member: Membership = { state: "accepted", role: "member" };
const moderator: Membership = { state: "accepted", role: "moderator" };
const owner: Membership = { state: "accepted", role: "owner" };
const banned: Membership = { state: "banned", role: "member" };
const pending: Membership = { state: "pending", role: "member" };

describe("group visibility", () => {
  it("hides secret groups from outsiders but not from members or invitees", () => {
    expect(canSeeGroup("secret", null)).toBe(false);
    expect(canSeeGroup("secret", pending)).toBe(false);
    expect(canSeeGroup("secret", member)).toBe(true);
    expect(canSeeGroup("secret", { state: "invited", role: "member" })).toBe(true);
    expect(canSeeGroup("members_only", null)).toBe(true);
  });

  it("lets only members read members-only content", () => {
    expect(canReadContent("public", null)).toBe(true);
    expect(canReadContent("members_only", null)).toBe(false);
    expect(canReadContent("members_only", pending)).toBe(false);
    expect(canReadContent("members_only", banned)).toBe(false);
    expect(canReadContent("members_only", member)).toBe(true);
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
