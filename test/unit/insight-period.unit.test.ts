// How a period is read from the thread rollups (periodParts in
// src/db/queries/insight.queries.ts): whole months as month rows, a month mostly
// inside as its row minus the days outside, a month mostly outside as its days
// (migrations 0082 and 0086). Every day of the period is read exactly once.
import { describe, expect, it } from "vitest";
import { periodParts } from "../../src/db/queries/insight.queries.ts";

describe("periodParts", () => {
  it("reads 90 days ending on a month's first day as two months, one month less two days, and one day", () => {
    expect(periodParts({ from: "2026-09-03", to: "2026-12-01" })).toEqual([
      { grain: "month", from: "2026-09-01", to: "2026-09-01", sign: 1 },
      { grain: "day", from: "2026-09-01", to: "2026-09-02", sign: -1 },
      { grain: "month", from: "2026-10-01", to: "2026-10-01", sign: 1 },
      { grain: "month", from: "2026-11-01", to: "2026-11-01", sign: 1 },
      { grain: "day", from: "2026-12-01", to: "2026-12-01", sign: 1 },
    ]);
  });

  it("takes back days at both ends of one month, and reads a short period by its days", () => {
    expect(periodParts({ from: "2026-03-03", to: "2026-03-29" })).toEqual([
      { grain: "month", from: "2026-03-01", to: "2026-03-01", sign: 1 },
      { grain: "day", from: "2026-03-01", to: "2026-03-02", sign: -1 },
      { grain: "day", from: "2026-03-30", to: "2026-03-31", sign: -1 },
    ]);
    expect(periodParts({ from: "2026-03-10", to: "2026-03-12" })).toEqual([{ grain: "day", from: "2026-03-10", to: "2026-03-12", sign: 1 }]);
  });

  it("covers every day of the period exactly once, whatever the period", () => {
    const dayMs = 86_400_000;
    for (const [from, to] of [
      ["2024-02-10", "2024-03-20"],
      ["2025-12-31", "2026-01-01"],
      ["2026-01-01", "2026-12-31"],
      ["2026-02-14", "2026-02-28"],
      ["2025-11-30", "2026-03-01"],
      ["2026-03-01", "2026-03-31"],
      ["2024-02-01", "2024-02-29"],
    ] as const) {
      const count = new Map<string, number>();
      for (const p of periodParts({ from, to })) {
        const start = Date.parse(`${p.from}T00:00:00Z`);
        const end =
          p.grain === "month" ? Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1, 1) - dayMs : Date.parse(`${p.to}T00:00:00Z`);
        for (let t = start; t <= end; t += dayMs) {
          const d = new Date(t).toISOString().slice(0, 10);
          count.set(d, (count.get(d) ?? 0) + p.sign);
        }
      }
      const covered = [...count].filter(([, n]) => n !== 0);
      expect(covered.every(([, n]) => n === 1)).toBe(true);
      expect(covered.map(([d]) => d).sort()[0]).toBe(from);
      expect(covered.length).toBe((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs + 1);
    }
  });
});
