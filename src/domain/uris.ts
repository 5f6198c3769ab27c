// The URI layout of an instance. Fedify's dispatchers are registered with the
// same templates, so a URI minted here is one Fedify serves.
export const PATHS = {
  user: "/users/{identifier}",
  inbox: "/users/{identifier}/inbox",
  outbox: "/users/{identifier}/outbox",
  followers: "/users/{identifier}/followers",
  following: "/users/{identifier}/following",
  /** Pinned posts, where Mastodon keeps them. */
  featured: "/users/{identifier}/collections/featured",
  sharedInbox: "/inbox",
} as const;

/** The identifier of the instance's Application actor (used for signed fetches). */
export const INSTANCE_ACTOR_IDENTIFIER = "__instance__";

export function userUri(origin: URL, username: string): string {
  return new URL(`/users/${encodeURIComponent(username)}`, origin).href;
}

/** The instance actor is served by the same dispatcher as users, under a reserved identifier. */
export function instanceActorUri(origin: URL): string {
  return userUri(origin, INSTANCE_ACTOR_IDENTIFIER);
}

/** host[:port] of an origin, as it appears in handles (`@alice@localhost:3002`). */
export function domainOf(origin: URL | string): string {
  return new URL(origin).host;
}
