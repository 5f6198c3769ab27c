// The pure rules of levels on the wire (src/domain/group-levels.rules.ts) and
// the reader of the wire format (src/federation/mappers/group-levels.mapper.ts).
import { describe, expect, it } from "vitest";
import { acceptedLevels, levelsToState, MAX_STATED_LEVELS, sameLevels } from "../../src/domain/group-levels.rules.ts";
import { statedLevelsIn } from "../../src/federation/mappers/group-levels.mapper.ts";

const U = (n: string) => `https://b.example/users/${n}`;

describe("what a home states", () => {
  it("names members above newcomer only, highest level first, bounded", () => {
    const members = new Map([
      ["1", U("ann")],
      ["2", U("bea")],
      ["3", U("cid")],
    ]);
    const scored = [
      { actorId: "2", level: "contributor" as const },
      { actorId: "9", level: "trusted" as const }, // scored, but no longer a member
      { actorId: "1", level: "trusted" as const },
      { actorId: "3", level: "newcomer" as const },
    ];
    expect(levelsToState(scored, members)).toEqual([
      { memberUri: U("ann"), level: "trusted" },
      { memberUri: U("bea"), level: "contributor" },
    ]);
    const many = new Map(Array.from({ length: 600 }, (_, i) => [String(i), U(`p${i}`)] as const));
    expect(
      levelsToState(
        [...many.keys()].map((actorId) => ({ actorId, level: "established" as const })),
        many,
      ),
    ).toHaveLength(MAX_STATED_LEVELS);
  });

  it("is the same statement whatever the order, and differs on any level", () => {
    const one = [
      { memberUri: U("ann"), level: "trusted" as const },
      { memberUri: U("bea"), level: "contributor" as const },
    ];
    expect(sameLevels(one, [...one].reverse())).toBe(true);
    expect(sameLevels(one, [one[0]!, { memberUri: U("bea"), level: "established" }])).toBe(false);
    expect(sameLevels(one, [one[0]!])).toBe(false);
  });
});

describe("what a member instance takes", () => {
  it("takes known levels of the home's members only, one each, and nothing without the member list", () => {
    const stated = [
      { memberUri: U("ann"), level: "trusted" },
      { memberUri: U("ann"), level: "contributor" },
      { memberUri: U("zed"), level: "trusted" },
      { memberUri: U("bea"), level: "wizard" },
      { memberUri: 42, level: "trusted" },
    ];
    expect(acceptedLevels(stated, new Set([U("ann"), U("bea")]))).toEqual([{ memberUri: U("ann"), level: "trusted" }]);
    expect(acceptedLevels(stated, null)).toEqual([]);
  });

  it("reads the levels in the compact form we serve and under full IRIs; a document without them states nothing", () => {
    expect(statedLevelsIn({ memberLevels: [{ member: U("ann"), level: "trusted" }] })).toEqual([{ memberUri: U("ann"), level: "trusted" }]);
    const NS = "https://ecotone.social/ns#";
    expect(statedLevelsIn({ [`${NS}memberLevels`]: [{ [`${NS}member`]: [{ "@id": U("bea") }], [`${NS}level`]: [{ "@value": "contributor" }] }] })).toEqual([
      { memberUri: U("bea"), level: "contributor" },
    ]);
    expect(statedLevelsIn({ type: "Group" })).toBeNull();
    expect(statedLevelsIn(null)).toBeNull();
    expect(statedLevelsIn({ memberLevels: [] })).toEqual([]);
  });
});
