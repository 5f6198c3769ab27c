// Mastodon's audiences read from a peer's addressing, and decided by the one rule.
import { describe, expect, it } from "vitest";
import { audienceFromAddressing, narrowestOf, parseAudience } from "../../src/domain/post-audience.rules.ts";
import { ANONYMOUS, canSee, NO_RELATION, type PostVisibility } from "../../src/domain/visibility.rules.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const FOLLOWERS = "https://mastodon.example/users/felix/followers";
const MENTIONED = "https://other.example/users/ana";

describe("audienceFromAddressing", () => {
  it("reads Mastodon's four shapes", () => {
    expect(audienceFromAddressing([PUBLIC], [FOLLOWERS], FOLLOWERS)).toBe("public");
    // The shape of test fixtures captured from mastodon.madrid (ap-wild/mastodon/objects/note_1.json).
    expect(audienceFromAddressing([FOLLOWERS], [PUBLIC, MENTIONED], FOLLOWERS)).toBe("unlisted");
    expect(audienceFromAddressing([FOLLOWERS], [MENTIONED], FOLLOWERS)).toBe("private");
    expect(audienceFromAddressing([MENTIONED], [], FOLLOWERS)).toBe("direct");
    expect(audienceFromAddressing(["as:Public"], [], null)).toBe("public");
  });

  it("takes a post to someone else's followers, or to unknown followers, as direct", () => {
    expect(audienceFromAddressing(["https://mastodon.example/users/other/followers"], [], FOLLOWERS)).toBe("direct");
    expect(audienceFromAddressing([FOLLOWERS], [], null)).toBe("direct");
  });
});

describe("parseAudience and narrowestOf", () => {
  it("refuses an unknown visibility with a 422 that names the choices", () => {
    expect(() => parseAudience("limited")).toThrow(/public, unlisted, private, direct/);
    expect(parseAudience(undefined)).toBeUndefined();
    expect(parseAudience("direct")).toBe("direct");
  });

  it("never widens a reply beyond what it answers", () => {
    expect(narrowestOf("public", "direct")).toBe("direct");
    expect(narrowestOf("unlisted", "private")).toBe("private");
    expect(narrowestOf("direct", "public")).toBe("direct");
    expect(narrowestOf("private", undefined)).toBe("private");
  });
});

describe("canSee for a post outside groups", () => {
  const post = (visibility: PostVisibility, audience = { followsAuthor: false, mentioned: false }) =>
    ({ kind: "post", visibility, authorId: "author", group: null, audience }) as const;
  const viewer = { kind: "actor", actorId: "someone" } as const;

  it("shows public and unlisted to anyone, private to followers and the named, direct to the named only", () => {
    expect(canSee(post("unlisted"), NO_RELATION, ANONYMOUS)).toBe(true);
    expect(canSee(post("private"), NO_RELATION, viewer)).toBe(false);
    expect(canSee(post("private", { followsAuthor: true, mentioned: false }), NO_RELATION, viewer)).toBe(true);
    expect(canSee(post("private", { followsAuthor: false, mentioned: true }), NO_RELATION, viewer)).toBe(true);
    expect(canSee(post("direct", { followsAuthor: true, mentioned: false }), NO_RELATION, viewer)).toBe(false);
    expect(canSee(post("direct", { followsAuthor: false, mentioned: true }), NO_RELATION, viewer)).toBe(true);
    expect(canSee(post("direct"), NO_RELATION, { kind: "actor", actorId: "author" })).toBe(true);
  });
});
