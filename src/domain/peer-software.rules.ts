// What each kind of server understands, by the software name its NodeInfo
// gives. One table, so "who gets what" has one answer (docs/adr/0055).

/**
 * How a group's relay must look to a server:
 * - `activity`: FEP-1b12, the group's `Announce` of the member's activity
 *   (Create, Update, Delete, Like…), as Lemmy-family servers and Ecotone read it;
 * - `object`: the group's `Announce` of the post itself, and edits and deletes
 *   as the author's own activities, as Mastodon-family servers read it.
 */
export type RelayShape = "activity" | "object";

const FEP_1B12 = new Set(["ecotone", "lemmy", "piefed", "mbin", "kbin", "nodebb", "friendica", "lotide"]);

/** Servers known to take ForgeFed (`Ticket`, `Offer`, `Resolve`…). */
const FORGEFED = new Set(["ecotone", "vervis", "forgejo"]);

/**
 * Unknown or silent servers get the Mastodon-family shape: most of the
 * network reads it, and a FEP-1b12 server still shows an announced post.
 */
export function relayShapeOf(software: string | null): RelayShape {
  return software && FEP_1B12.has(software.toLowerCase()) ? "activity" : "object";
}

/**
 * Whether a server gets ForgeFed activities: `send` to known speakers;
 * `skip` servers known to run something else (they get the companion Note);
 * `try` a server whose NodeInfo we could not read, giving up after
 * `FORGEFED_TRIAL_ATTEMPTS` failures instead of retrying for days.
 */
export function forgeFedDelivery(software: string | null): "send" | "skip" | "try" {
  if (software === null) return "try";
  return FORGEFED.has(software.toLowerCase()) ? "send" : "skip";
}

export const FORGEFED_TRIAL_ATTEMPTS = 3;

/** How long a NodeInfo answer is trusted, and how soon a failed look-up is retried. */
export const PEER_SOFTWARE_TTL_MS = 24 * 60 * 60 * 1000;
export const PEER_SOFTWARE_RETRY_MS = 60 * 60 * 1000;
