// The stored, clock-free momentum of an idea (migration 0099, ADR 0116): ranking
// by `rising` is ranking by momentum at any moment, and the momentum read back
// from it is the one computed from the votes' times.
import { describe, expect, it } from "vitest";
import { HALF_LIFE_HOURS, ideaCursor, momentum, momentumOf, parseIdeaCursor, risingScore } from "../../src/domain/idea.rules.ts";

const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3_600_000);

describe("an idea's stored momentum", () => {
  const now = new Date("2026-11-30T12:00:00Z");

  it("gives back the momentum of the votes' times", () => {
    const times = [hoursAgo(now, 1), hoursAgo(now, HALF_LIFE_HOURS), hoursAgo(now, 500)];
    expect(momentumOf(risingScore(times), times.length, now)).toBeCloseTo(momentum(times, now), 9);
    expect(momentumOf(risingScore([]), 0, now)).toBe(0);
  });

  it("ranks as momentum does, whenever it is asked", () => {
    const fresh = [hoursAgo(now, 2)];
    const old = [hoursAgo(now, 200), hoursAgo(now, 210), hoursAgo(now, 220)];
    expect(momentum(fresh, now)).toBeGreaterThan(momentum(old, now));
    expect(risingScore(fresh)).toBeGreaterThan(risingScore(old));
    const later = new Date(now.getTime() + 1000 * 3_600_000);
    // Both decay alike: the order holds a thousand hours later.
    expect(momentumOf(risingScore(fresh), 1, later)).toBeGreaterThan(momentumOf(risingScore(old), 3, later));
  });
});

describe("the board's cursor", () => {
  it("reads back what it hands out, and nothing else", () => {
    expect(parseIdeaCursor(ideaCursor(6812.123456789012, "1796169325006089700"))).toEqual({ score: 6812.123456789012, id: "1796169325006089700" });
    expect(parseIdeaCursor(ideaCursor(3, "17"))).toEqual({ score: 3, id: "17" });
    for (const bad of [undefined, "", "3", "_17", "x_17", "3_abc", "1e999_17", "3_17;drop"]) expect(parseIdeaCursor(bad)).toBeNull();
  });
});
