// The scope rules the doors share (src/domain/scopes.ts).
import { describe, expect, it } from "vitest";
import { assertReadScope, hasScope, streamScope } from "../../src/domain/scopes.ts";

describe("scopes", () => {
  it("a broad scope grants its granular ones, never the other way round", () => {
    expect(hasScope(["read"], "read:statuses")).toBe(true);
    expect(hasScope(["read:statuses"], "read")).toBe(false);
    expect(hasScope(["follow"], "write:follows")).toBe(true);
  });

  it("an optional read refuses a token without its read scope (finding 23)", () => {
    for (const granted of [["push"], ["profile"], ["write:media"], ["write", "follow"], ["read:notifications"]]) {
      expect(() => assertReadScope(granted, "read:statuses")).toThrow(/lacks the read scope/);
    }
    expect(() => assertReadScope(["read"], "read:statuses")).not.toThrow();
    expect(() => assertReadScope(["read:statuses"], "read:statuses")).not.toThrow();
  });

  it("streams: notifications need read:notifications, every other stream read:statuses (finding 24)", () => {
    expect(streamScope("user:notification")).toBe("read:notifications");
    for (const stream of ["user", "public", "public:local", "hashtag", "list"]) expect(streamScope(stream)).toBe("read:statuses");
  });
});
