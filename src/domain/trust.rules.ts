// Who may speak for whom (docs/adr/0006-one-trust-gate.md). Pure rules: the
// inbox gate (src/federation/inbox/gate.ts) and the services that apply
// incoming activities ask these, and nothing else decides it.
//
// An activity proves only what its verified signer may say about its own
// origin (FEP-fe34): every id it mints — the activity's, an object's it
// creates or changes — must be on the actor's origin. A group may relay
// what its members said, but only its own business.
import { forbidden } from "./errors.ts";

/** The origin (scheme://host:port) of a URI, or null when it is not a URL. */
export function originOf(uri: string | null | undefined): string | null {
  if (!uri) return null;
  try {
    return new URL(uri).origin;
  } catch {
    return null;
  }
}

/** The key id an HTTP signature header names (RFC 9421 Signature-Input or draft-cavage Signature), if any. */
export function signatureKeyId(headerValue: string | null | undefined): string | null {
  return headerValue ? (/keyid="([^"]+)"/i.exec(headerValue)?.[1] ?? null) : null;
}

export function sameOrigin(a: string | null | undefined, b: string | null | undefined): boolean {
  const left = originOf(a);
  return left !== null && left === originOf(b);
}

/** Refuses an id that the actor may not mint (it would squat on another server). */
export function assertOwnOrigin(actorUri: string, id: string, what: string): void {
  if (!sameOrigin(actorUri, id)) {
    throw forbidden(`${what} ${id} is not on the origin of its actor ${actorUri}`);
  }
}

/** Facts the relay rule needs about a group that announces an activity to us. */
export interface RelayFacts {
  group: { type: string; isLocal: boolean; uri: string };
  /** Does one of our own users belong to the group? */
  groupHasLocalMember: boolean;
  /** The actor of the relayed activity. */
  actor: { isLocal: boolean; uri: string };
  activityUri: string;
}

/**
 * May a group relay this activity to us at all? Only a remote group that one
 * of our users belongs to, never speaking for our own users, and never about
 * an id minted outside the relayed actor's origin. (Whether the activity is
 * the group's business — its own posts — is checked where the post is known.)
 */
export function relayRefusal(facts: RelayFacts): string | null {
  if (facts.group.type !== "Group") return "only a Group relays activities";
  if (facts.group.isLocal) return "our own groups do not relay to us";
  if (facts.actor.isLocal) return "nobody relays for our own users";
  if (!sameOrigin(facts.activityUri, facts.actor.uri)) return "the relayed activity's id is not on its actor's origin";
  if (!facts.groupHasLocalMember) return "none of our users belongs to this group";
  return null;
}

/**
 * An incoming post (however it arrived: delivered, relayed, fetched) may be
 * stored only as what its own server says: never as one of our users' posts,
 * never under our origin, and only with an id on its author's origin.
 */
export function incomingPostRefusal(post: { uri: string; authorUri: string }, author: { uri: string; isLocal: boolean }, ourOrigin: string): string | null {
  if (author.isLocal) return "a post by one of our own users cannot arrive from elsewhere";
  if (post.authorUri !== author.uri) return "the post is attributed to someone else";
  if (sameOrigin(post.uri, ourOrigin)) return "the post claims an id on our own origin";
  if (!sameOrigin(post.uri, author.uri)) return "the post's id is not on its author's origin";
  return null;
}
