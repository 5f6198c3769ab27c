// Hashtags: their names, and how many an account may feature on its profile.
import { validationFailed } from "./errors.ts";

export const MAX_FEATURED_TAGS = 10;

/** A hashtag name as stored: without `#`, lower-case, letters, digits and `_`. */
export function normalizeTag(name: string): string {
  const tag = name.trim().replace(/^#/, "").toLowerCase();
  if (!/^[\p{L}\p{N}_]{1,100}$/u.test(tag)) throw validationFailed(`"${name}" is not a hashtag: use letters, digits and _`);
  return tag;
}
