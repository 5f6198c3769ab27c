// update_credentials' profile parameters in the three forms Mastodon apps send.
import { describe, expect, it } from "vitest";
import { profileExtrasFrom } from "../../src/api/mastodon/fields-attributes.ts";

describe("fields_attributes", () => {
  it("reads a JSON list, a JSON object keyed by index, and form keys, in index order", () => {
    const want = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ];
    expect(profileExtrasFrom({ fields_attributes: want })?.fields).toEqual(want);
    expect(profileExtrasFrom({ fields_attributes: { "1": { name: "B", value: "2" }, "0": { name: "A", value: "1" } } })?.fields).toEqual(want);
    expect(
      profileExtrasFrom({
        "fields_attributes[1][name]": "B",
        "fields_attributes[1][value]": "2",
        "fields_attributes[0][name]": "A",
        "fields_attributes[0][value]": "1",
      })?.fields,
    ).toEqual(want);
  });
  it("is nothing when none of its parameters are there, and an empty list clears the fields", () => {
    expect(profileExtrasFrom({ display_name: "x" })).toBeNull();
    expect(profileExtrasFrom({ fields_attributes: [] })?.fields).toEqual([]);
  });
  it("refuses non-text names, and an avatar that is not an uploaded file", () => {
    expect(() => profileExtrasFrom({ fields_attributes: [{ name: 5, value: "x" }] })).toThrow(/text name and value/);
    expect(() => profileExtrasFrom({ avatar: "https://example.com/me.png" })).toThrow(/multipart/);
  });
});
