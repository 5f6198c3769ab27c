// A CSV export of people (segments, insights) opens in a spreadsheet: names
// that peers choose must never run there as formulas.
import { describe, expect, it } from "vitest";
import { csvField } from "../../src/domain/segment.rules.ts";

describe("csvField", () => {
  it("defuses formulas, also behind blanks or in full-width signs, and quotes every field", () => {
    for (const name of ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", " =1+1", "\n=1", "\u3000=1", "＝1+1", "＋1", "－1", "＠A1", "\t=1"]) {
      expect(csvField(name).startsWith(`"'`), JSON.stringify(name)).toBe(true);
    }
    expect(csvField("Ada Lovelace")).toBe('"Ada Lovelace"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('""');
  });
});
