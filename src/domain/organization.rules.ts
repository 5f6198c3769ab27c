// Organizations and partner relationships: what an organization's profile may
// hold, the labels an admin gives other organizations, and what a label
// means for the people who work there.
import type { Audience } from "./user.rules.ts";
import { validationFailed } from "./errors.ts";

export const RELATIONSHIPS = ["customer", "partner", "supplier", "affiliate", "prospect"] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** Our own organization, in the API's `relationship` field. */
export const SELF = "self";

export const PARTNER_POLICIES = ["allow", "block", "limited"] as const;
export type PartnerPolicy = (typeof PARTNER_POLICIES)[number];

/** What happens when one of our employees joins a group hosted by that organization. */
export const JOIN_RULES = ["allow", "approval", "deny"] as const;
export type JoinRule = (typeof JOIN_RULES)[number];

export interface OrganizationProfile {
  name: string;
  shortName: string | null;
  logoUrl: string | null;
  website: string | null;
  description: string | null;
}

export function parseRelationship(raw: unknown): Relationship | null {
  if (raw === null || raw === "" || raw === "none") return null;
  if (typeof raw !== "string" || !(RELATIONSHIPS as readonly string[]).includes(raw)) {
    throw validationFailed(`"relationship" must be one of ${RELATIONSHIPS.join(", ")} or null`, { field: "relationship" });
  }
  return raw as Relationship;
}

export function parsePartnerPolicy(raw: unknown): PartnerPolicy {
  if (typeof raw !== "string" || !(PARTNER_POLICIES as readonly string[]).includes(raw)) {
    throw validationFailed(`"policy" must be one of ${PARTNER_POLICIES.join(", ")}`, { field: "policy" });
  }
  return raw as PartnerPolicy;
}

export function parseJoinRule(raw: unknown): JoinRule {
  if (typeof raw !== "string" || !(JOIN_RULES as readonly string[]).includes(raw)) {
    throw validationFailed(`"joinRule" must be one of ${JOIN_RULES.join(", ")}`, { field: "joinRule" });
  }
  return raw as JoinRule;
}

/**
 * The audience segment a remote person inherits from their organization's
 * label. An affiliate is part of the same corporate family, so its people
 * count as employees; a prospect is a customer not yet signed.
 */
export function audienceForRelationship(relationship: Relationship | null): Audience {
  switch (relationship) {
    case "customer":
    case "prospect":
      return "customer";
    case "partner":
      return "partner";
    case "supplier":
      return "supplier";
    case "affiliate":
      return "employee";
    case null:
      return "other";
  }
}

function text(raw: unknown, field: string, max: number, required = false): string | null {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    if (required) throw validationFailed(`"${field}" is required`, { field });
    return null;
  }
  if (typeof raw !== "string") throw validationFailed(`"${field}" must be a string`, { field });
  const value = raw.trim();
  if (value.length > max) throw validationFailed(`"${field}" is longer than ${max} characters`, { field });
  return value;
}

function webUrl(raw: unknown, field: string): string | null {
  const value = text(raw, field, 2000);
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw validationFailed(`"${field}" must be a full http(s) URL like https://example.com/logo.png`, { field });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw validationFailed(`"${field}" must be an http(s) URL`, { field });
  }
  return url.href;
}

/** Validates an organization profile as an admin sends it (all fields; name required). */
export function parseOrganizationProfile(input: Record<string, unknown>): OrganizationProfile {
  return {
    name: text(input.name, "name", 100, true)!,
    shortName: text(input.shortName, "shortName", 30),
    logoUrl: webUrl(input.logoUrl, "logoUrl"),
    website: webUrl(input.website, "website"),
    description: text(input.description, "description", 2000),
  };
}

/** A limited peer's people never join straight in: what would be accepted waits for a moderator. */
export function limitJoin<T extends string>(outcome: T, peerLimited: boolean): T | "pending" {
  return peerLimited && outcome === "accepted" ? "pending" : outcome;
}

/**
 * Who may be in a shared room: people of the room's home and of the
 * organizations that accepted the room's invitation. A group with no listed
 * organization is not a shared room and admits anyone its join policy admits.
 */
export function roomAdmits(room: { homeDomain: string; listed: boolean; accepted: ReadonlySet<string> }, memberDomain: string): boolean {
  if (!room.listed) return true;
  return memberDomain === room.homeDomain || room.accepted.has(memberDomain);
}
