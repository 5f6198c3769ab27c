// Which peers an instance federates with. `open`: everyone but blocked hosts.
// `allowlist`: only listed partner hosts (and never a blocked one).
import { validationFailed } from "./errors.ts";

export type FederationMode = "open" | "allowlist";

export interface FederationPolicy {
  mode: FederationMode;
  allowed: ReadonlySet<string>;
  blocked: ReadonlySet<string>;
  /** Federates (counts as allowed), but its people wait for a moderator to join our groups. */
  limited?: ReadonlySet<string>;
}

export function normalizeHost(raw: string): string {
  const text = raw.trim().toLowerCase();
  let host: string;
  try {
    host = new URL(text.includes("://") ? text : `https://${text}`).host;
  } catch {
    throw validationFailed(`"${raw}" is not a host name like partner.example or partner.example:8443`);
  }
  if (!host) throw validationFailed(`"${raw}" is not a host name`);
  return host;
}

/** A host matches a rule for itself or for any domain above it (sub.partner.example ← partner.example), on any port. */
function listed(set: ReadonlySet<string>, host: string): boolean {
  if (set.has(host)) return true;
  // A rule without a port covers every port of its host (finding 54), and of its subdomains.
  const name = host.replace(/:\d+$/, "");
  if (set.has(name)) return true;
  const parts = name.split(".");
  for (let i = 1; i < parts.length - 1; i++) if (set.has(parts.slice(i).join("."))) return true;
  return false;
}

export function isPeerAllowed(policy: FederationPolicy, host: string): boolean {
  const normalized = host.toLowerCase();
  if (listed(policy.blocked, normalized)) return false;
  if (policy.mode === "allowlist") return listed(policy.allowed, normalized) || listed(policy.limited ?? new Set(), normalized);
  return true;
}

export function isPeerLimited(policy: FederationPolicy, host: string): boolean {
  return listed(policy.limited ?? new Set(), host.toLowerCase());
}

export function parseMode(raw: string): FederationMode {
  if (raw !== "open" && raw !== "allowlist") throw validationFailed(`Mode "${raw}" is not one of open, allowlist`);
  return raw;
}
