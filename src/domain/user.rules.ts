// Rules about local accounts: valid usernames, roles and audiences.
import { validationFailed } from "./errors.ts";

export const ROLES = ["admin", "moderator", "member"] as const;
export type Role = (typeof ROLES)[number];

export const AUDIENCES = ["employee", "customer", "partner", "supplier", "other"] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Usernames are the local part of a handle: lowercase, digits and underscores. */
const USERNAME_PATTERN = /^[a-z0-9_]{1,30}$/;

export const RESERVED_USERNAMES = new Set(["actor", "__instance__", "admin_socket", "inbox", "api", "oauth", "well-known"]);

export function normalizeUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw validationFailed(`Username "${raw}" is not valid: use 1–30 lowercase letters, digits or underscores`, { field: "username" });
  }
  if (RESERVED_USERNAMES.has(username)) {
    throw validationFailed(`Username "${username}" is reserved`, { field: "username" });
  }
  return username;
}

export function parseRole(raw: string): Role {
  if (!(ROLES as readonly string[]).includes(raw)) {
    throw validationFailed(`Role "${raw}" is not one of ${ROLES.join(", ")}`, { field: "role" });
  }
  return raw as Role;
}

export function parseAudience(raw: string): Audience {
  if (!(AUDIENCES as readonly string[]).includes(raw)) {
    throw validationFailed(`Audience "${raw}" is not one of ${AUDIENCES.join(", ")}`, { field: "audience" });
  }
  return raw as Audience;
}

export const MIN_PASSWORD_LENGTH = 10;

export function checkPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw validationFailed(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`, { field: "password" });
  }
}
