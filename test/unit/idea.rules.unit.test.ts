import { describe, expect, it } from "vitest";
import { HALF_LIFE_HOURS, momentum, parseIdeaStatus, statusFromTags } from "../../src/domain/idea.rules.ts";

describe("idea rules", () => {
  it("weighs a vote half as much every half-life", () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const fresh = new Date(now);
    const old = new Date(now.getTime() - HALF_LIFE_HOURS * 3_600_000);
    expect(momentum([fresh], now)).toBeCloseTo(1);
    expect(momentum([old], now)).toBeCloseTo(0.5);
    expect(momentum([fresh, old], now)).toBeCloseTo(1.5);
  });

  it("reads a status from the answer's tags, and refuses unknown statuses", () => {
    expect(statusFromTags(["idea", "ideastatus_planned"])).toBe("planned");
    expect(statusFromTags(["ideastatus_bogus"])).toBeNull();
    expect(() => parseIdeaStatus("open")).toThrow();
    expect(parseIdeaStatus("declined")).toBe("declined");
  });
});
