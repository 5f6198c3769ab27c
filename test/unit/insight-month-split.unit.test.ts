// Thread figures read whole months from the monthly rollup and only the days
// at a period's ends from the daily one (migration 0086): every day of the
// period is read exactly once.
import { describe, expect, it } from "vitest";
import { monthSplit } from "../../src/db/queries/insight.queries.ts";

function daysOf(split: ReturnType<typeof monthSplit>): string[] {
  const out: string[] = [];
  const walk = (from: string, to: string) => {
    for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000))
      out.push(d.toISOString().slice(0, 10));
  };
  for (const r of split.days) walk(r.from, r.to);
  if (split.months) {
    const end = new Date(`${split.months.to}T00:00:00Z`);
    walk(split.months.from, new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).toISOString().slice(0, 10));
  }
  return out.sort();
}

describe("monthSplit", () => {
  it("reads 90 days as two whole months and the days at both ends", () => {
    const split = monthSplit({ from: "2026-09-03", to: "2026-12-01" });
    expect(split.months).toEqual({ from: "2026-10-01", to: "2026-11-01" });
    expect(split.days).toEqual([
      { from: "2026-09-03", to: "2026-09-30" },
      { from: "2026-12-01", to: "2026-12-01" },
    ]);
  });

  it("takes a period of whole months as months only, and a short one as days only", () => {
    expect(monthSplit({ from: "2026-01-01", to: "2026-02-28" })).toEqual({ months: { from: "2026-01-01", to: "2026-02-01" }, days: [] });
    expect(monthSplit({ from: "2026-01-05", to: "2026-01-20" })).toEqual({ months: null, days: [{ from: "2026-01-05", to: "2026-01-20" }] });
    expect(monthSplit({ from: "2026-01-15", to: "2026-02-14" }).months).toBeNull();
  });

  it("covers every day of the period exactly once, leap years and year ends included", () => {
    for (const [from, to] of [
      ["2024-02-10", "2024-05-31"],
      ["2025-12-31", "2026-01-01"],
      ["2025-11-30", "2026-03-01"],
      ["2026-03-01", "2026-03-31"],
    ] as const) {
      const expected: string[] = [];
      for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000))
        expected.push(d.toISOString().slice(0, 10));
      expect(daysOf(monthSplit({ from, to }))).toEqual(expected);
    }
  });
});
