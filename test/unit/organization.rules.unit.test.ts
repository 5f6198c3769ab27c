// The rules about organizations: profile validation, the audience a label
// gives, limited peers, and who a shared room admits.
import { describe, expect, it } from "vitest";
import {
  audienceForRelationship,
  limitJoin,
  parseOrganizationProfile,
  parsePartnerPolicy,
  parseRelationship,
  roomAdmits,
} from "../../src/domain/organization.rules.ts";

describe("organization profiles", () => {
  it("need a name and take only http(s) URLs", () => {
    expect(parseOrganizationProfile({ name: " Acme ", website: "https://acme.example" })).toEqual({
      name: "Acme",
      shortName: null,
      logoUrl: null,
      website: "https://acme.example/",
      description: null,
    });
    expect(() => parseOrganizationProfile({})).toThrow(/"name" is required/);
    expect(() => parseOrganizationProfile({ name: "A", logoUrl: "javascript:alert(1)" })).toThrow(/logoUrl/);
    expect(() => parseOrganizationProfile({ name: "A", website: "not a url" })).toThrow(/website/);
    expect(() => parseOrganizationProfile({ name: "x".repeat(101) })).toThrow(/longer than 100/);
  });
});

describe("partner labels", () => {
  it("accept the five relationships or none, and three policies", () => {
    expect(parseRelationship("supplier")).toBe("supplier");
    expect(parseRelationship(null)).toBeNull();
    expect(parseRelationship("none")).toBeNull();
    expect(() => parseRelationship("friend")).toThrow(/relationship/);
    expect(parsePartnerPolicy("limited")).toBe("limited");
    expect(() => parsePartnerPolicy("silence")).toThrow(/policy/);
  });

  it("give remote people their audience segment", () => {
    expect(audienceForRelationship("customer")).toBe("customer");
    expect(audienceForRelationship("prospect")).toBe("customer");
    expect(audienceForRelationship("partner")).toBe("partner");
    expect(audienceForRelationship("supplier")).toBe("supplier");
    expect(audienceForRelationship("affiliate")).toBe("employee");
    expect(audienceForRelationship(null)).toBe("other");
  });

  it("hold a limited peer's joins for a moderator, and only those that would walk in", () => {
    expect(limitJoin("accepted", true)).toBe("pending");
    expect(limitJoin("refused", true)).toBe("refused");
    expect(limitJoin("accepted", false)).toBe("accepted");
  });
});

describe("shared rooms", () => {
  const room = { homeDomain: "acme.example", listed: true, accepted: new Set(["globex.example"]) };
  it("admit the home and the organizations that accepted, nobody else", () => {
    expect(roomAdmits(room, "acme.example")).toBe(true);
    expect(roomAdmits(room, "globex.example")).toBe(true);
    expect(roomAdmits(room, "initech.example")).toBe(false);
    expect(roomAdmits({ ...room, listed: false }, "initech.example")).toBe(true);
  });
});
