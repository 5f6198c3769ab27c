import { describe, expect, it } from "vitest";
import { findRings, reputationLevel, scoreReputation, type Endorsement } from "../../src/domain/reputation.rules.ts";

const now = new Date("2026-06-01T00:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const old = daysAgo(400);

function like(fromId: string, fromOrganization: string, toId: string, toOrganization: string, at = now, fromSince = old): Endorsement {
  return { fromId, fromOrganization, fromSince, toId, toOrganization, at, kind: "like" };
}

const scoreOf = (list: ReturnType<typeof scoreReputation>, id: string) => list.find((s) => s.actorId === id)?.score ?? 0;

describe("reputation rules", () => {
  it("weighs a like from another organization four times one from your own", () => {
    const s = scoreReputation([like("x", "globex", "a", "acme"), like("y", "acme", "b", "acme")], [], now);
    expect(scoreOf(s, "a")).toBe(1);
    expect(scoreOf(s, "b")).toBe(0.25);
  });

  it("halves a like's weight every 90 days and discounts brand-new accounts", () => {
    const s = scoreReputation([like("x", "globex", "a", "acme", daysAgo(90)), like("y", "globex", "b", "acme", now, daysAgo(2))], [], now);
    expect(scoreOf(s, "a")).toBe(0.5);
    expect(scoreOf(s, "b")).toBe(0.25);
  });

  it("caps what one person can give another", () => {
    const many = Array.from({ length: 10 }, () => like("x", "globex", "a", "acme"));
    expect(scoreOf(scoreReputation(many, [], now), "a")).toBe(3);
  });

  it("finds reciprocal rings and leaves their likes out", () => {
    const ring = [
      ...Array.from({ length: 3 }, () => like("p", "initech", "q", "initech")),
      ...Array.from({ length: 3 }, () => like("q", "initech", "p", "initech")),
    ];
    expect(findRings(ring)).toEqual([{ actorIds: ["p", "q"], endorsements: 6 }]);
    const s = scoreReputation(ring, [], now);
    expect(scoreOf(s, "p")).toBe(0);
    expect(s.find((x) => x.actorId === "p")?.ringDiscounted).toBe(3);
    // Two each way is ordinary mutual support, not a ring.
    expect(findRings(ring.slice(1, 5))).toEqual([]);
  });

  it("explains the score by its reasons and maps it to a level", () => {
    const s = scoreReputation(
      [like("x", "globex", "a", "acme")],
      [
        { actorId: "a", at: now, kind: "acceptedAnswer" },
        { actorId: "a", at: now, kind: "ideaDone" },
      ],
      now,
    );
    expect(s[0]).toMatchObject({ actorId: "a", score: 11, level: "contributor" });
    expect(s[0]!.reasons.map((r) => r.kind)).toEqual(["acceptedAnswer", "ideaDone", "likes_other_organizations"]);
    expect([0, 4.99, 5, 20, 50].map(reputationLevel)).toEqual(["newcomer", "newcomer", "contributor", "established", "trusted"]);
  });
});
