// How a company identity provider's claims become an Ecotone account: the
// username to offer, the role and the audience. Pure; the IdP is the source
// of truth for role and audience at every sign-in.
import { AUDIENCES, type Audience, type Role } from "./user.rules.ts";

export interface OidcClaimSettings {
  /** The claim holding roles (a string or a list): "admin" and "moderator" are recognised. */
  roleClaim: string;
  /** The claim holding the audience (employee, customer, partner, supplier, other). */
  audienceClaim: string;
}

const valuesOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : [])
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.toLowerCase());

export function roleFromClaims(claims: Record<string, unknown>, settings: OidcClaimSettings): Role {
  const roles = valuesOf(claims[settings.roleClaim]);
  if (roles.includes("admin")) return "admin";
  if (roles.includes("moderator")) return "moderator";
  return "member";
}

export function audienceFromClaims(claims: Record<string, unknown>, settings: OidcClaimSettings): Audience {
  const [value] = valuesOf(claims[settings.audienceClaim]);
  return (AUDIENCES as readonly string[]).includes(value ?? "") ? (value as Audience) : "employee";
}

/** A username from preferred_username (or the email's local part), cut to what usernames allow. */
export function usernameFromClaims(claims: Record<string, unknown>): string {
  const raw = [claims.preferred_username, typeof claims.email === "string" ? claims.email.split("@")[0] : undefined, claims.sub].find(
    (v): v is string => typeof v === "string" && v.trim() !== "",
  );
  const cleaned = (raw ?? "user")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 24);
  return cleaned || "user";
}
