// Who gets which shape of a group relay, and who gets ForgeFed.
import { describe, expect, it } from "vitest";
import { forgeFedDelivery, relayShapeOf } from "../../src/domain/peer-software.rules.ts";
import { checkProfileFields } from "../../src/domain/profile.rules.ts";

describe("relay shapes", () => {
  it("FEP-1b12 servers get Announce(activity), whatever the case of their name", () => {
    for (const name of ["ecotone", "lemmy", "PieFed", "mbin", "nodebb", "friendica"]) expect(relayShapeOf(name)).toBe("activity");
  });
  it("Mastodon-family and unknown servers get Announce(object)", () => {
    for (const name of ["mastodon", "hollo", "gotosocial", "misskey", null]) expect(relayShapeOf(name)).toBe("object");
  });
});

describe("ForgeFed delivery", () => {
  it("sends to speakers, skips known others, tries the unidentified", () => {
    expect(forgeFedDelivery("ecotone")).toBe("send");
    expect(forgeFedDelivery("Forgejo")).toBe("send");
    expect(forgeFedDelivery("mastodon")).toBe("skip");
    expect(forgeFedDelivery("lemmy")).toBe("skip");
    expect(forgeFedDelivery(null)).toBe("try");
  });
});

describe("profile fields", () => {
  it("trims, drops empty rows, and keeps order", () => {
    expect(
      checkProfileFields([
        { name: " Web ", value: " https://a.example " },
        { name: "", value: "" },
        { name: "Team", value: "" },
      ]),
    ).toEqual([
      { name: "Web", value: "https://a.example" },
      { name: "Team", value: "" },
    ]);
  });
  it("refuses a fifth field, a value without a name, and over-long parts", () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `F${i}`, value: "x" }));
    expect(() => checkProfileFields(five)).toThrow(/at most 4 fields/);
    expect(() => checkProfileFields([{ name: "", value: "orphan" }])).toThrow(/needs a name/);
    expect(() => checkProfileFields([{ name: "x".repeat(256), value: "" }])).toThrow(/at most 255/);
    expect(() => checkProfileFields([{ name: "ok", value: "x".repeat(256) }])).toThrow(/at most 255/);
  });
});
