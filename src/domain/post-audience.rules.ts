// Mastodon's four audiences for a post outside groups, read from and written
// to ActivityPub addressing the way Mastodon does it, so a post keeps its
// audience across servers:
//   public   → to Public, cc followers
//   unlisted → to followers, cc Public
//   private  → to followers (and the mentioned people)
//   direct   → to the mentioned people only
import { validationFailed } from "./errors.ts";
import type { PostVisibility } from "./visibility.rules.ts";

export type Audience = Exclude<PostVisibility, "members_only">;

export const AUDIENCES: readonly Audience[] = ["public", "unlisted", "private", "direct"];

const PUBLIC_ADDRESSES = new Set(["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"]);

/** The audience a peer addressed a post to (Mastodon's `visibility_from_audience`). */
export function audienceFromAddressing(to: string[], cc: string[], followersUri: string | null): Audience {
  if (to.some((u) => PUBLIC_ADDRESSES.has(u))) return "public";
  if (cc.some((u) => PUBLIC_ADDRESSES.has(u))) return "unlisted";
  // Without the author's followers collection we cannot tell followers from
  // strangers: the narrowest audience leaks nothing.
  if (followersUri && [...to, ...cc].includes(followersUri)) return "private";
  return "direct";
}

/** The visibility a Mastodon app asked for; unknown words are a clear 422, never a silent downgrade. */
export function parseAudience(value: string | undefined): Audience | undefined {
  if (value === undefined || value === "") return undefined;
  if ((AUDIENCES as readonly string[]).includes(value)) return value as Audience;
  throw validationFailed(`Validation failed: Visibility "${value}" is not one of ${AUDIENCES.join(", ")}`);
}

const NARROWNESS: Record<PostVisibility, number> = { public: 0, unlisted: 1, private: 2, members_only: 2, direct: 3 };

/** A reply is never wider than what it answers (a follower-only thread stays so unless the author narrows it further). */
export function narrowestOf(asked: Audience, parent: PostVisibility | undefined): Audience {
  if (!parent || parent === "members_only") return asked;
  return NARROWNESS[parent] > NARROWNESS[asked] ? parent : asked;
}

/** Posts anyone may read, listed or not: they may be boosted. */
export function isOpenAudience(visibility: PostVisibility): boolean {
  return visibility === "public" || visibility === "unlisted";
}
