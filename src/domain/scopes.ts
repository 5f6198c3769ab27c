import { forbidden, validationFailed } from "./errors.ts";

// OAuth-style scopes, as Mastodon defines them. A broad scope grants its
// granular ones (`read` grants `read:accounts`, never the other way round),
// and the legacy `follow` scope grants reading and writing follows, blocks
// and mutes.
const FOLLOW_GRANTS = new Set(["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"]);

export function hasScope(granted: readonly string[], needed: string): boolean {
  if (granted.includes(needed)) return true;
  const [family] = needed.split(":");
  if (family !== undefined && family !== needed && granted.includes(family)) return true;
  return FOLLOW_GRANTS.has(needed) && granted.includes("follow");
}

/**
 * A read that answers signed out too still needs its read scope when a token is
 * sent (Mastodon's `authorize_if_got_token!`): a `push`, `profile` or
 * `write:media` token must not read what its user may see.
 */
export function assertReadScope(granted: readonly string[], needed: string): void {
  if (!hasScope(granted, needed)) {
    throw forbidden(`This token lacks the read scope ("read" or "${needed}") this read needs; authorize the app for it, or call without a token`);
  }
}

/** The scope a streaming channel needs, as Mastodon's streaming server asks: notifications need read:notifications, every other stream read:statuses. */
export function streamScope(stream: string): string {
  return stream === "user:notification" ? "read:notifications" : "read:statuses";
}

const TOP_LEVEL = new Set(["read", "write", "follow", "push", "profile", "admin:read", "admin:write"]);
const GRANULAR = /^(read|write|admin:read|admin:write):[a-z_]+$/;

/** Validates a space-separated scope list; returns the distinct scopes. */
export function parseScopes(text: string): string[] {
  const scopes = [...new Set(text.split(/[\s+]+/).filter(Boolean))];
  if (scopes.length === 0) throw validationFailed('Give at least one scope, e.g. "read write follow"');
  const bad = scopes.filter((s) => !TOP_LEVEL.has(s) && !GRANULAR.test(s));
  if (bad.length > 0) {
    throw validationFailed(`Unknown scope ${bad.map((s) => `"${s}"`).join(", ")}; use read, write, follow, push, profile, read:*, write:* or admin:*`);
  }
  return scopes;
}
