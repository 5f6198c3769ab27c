// People appear with their organization's name or logo, not their domain
// (ADR 52). Pieces of a page are rendered synchronously, long before anyone
// knows which companies the page will name, so they leave a mark ("the
// organization of globex.example, as a chip" or "…, in words") and the page
// is finished in one pass: every domain marked on it is read in one batch and
// each mark replaced by the escaped name. One query per page, whatever the
// number of people on it, and no page has to remember to ask.
import { randomBytes } from "node:crypto";
import type { ServiceContext } from "../services/context.ts";
import { organizationsByDomain, type Organization } from "../services/organizations/organization.service.ts";
import { escapeText, trusted, type Html } from "./html.ts";

// Private-use characters and a per-process secret: text from elsewhere (a
// display name, a post) cannot forge a mark, because it cannot know the secret.
const SECRET = randomBytes(9).toString("base64url");
const OPEN = `\uE000${SECRET}`;
const CLOSE = "\uE001";
const MARK = new RegExp(`${OPEN}(chip|name|brand):([^\\uE001]{1,300})${CLOSE}`, "g");

/** The organization of `domain` in running text: "Globex". */
export function organizationName(domain: string): string {
  return `${OPEN}name:${domain}${CLOSE}`;
}

/** The organization of `domain` as a small chip: its logo (if any) and its name. */
export function organizationChip(domain: string): Html {
  return trusted(`${OPEN}chip:${domain}${CLOSE}`);
}

/** Our own organization in the top bar: its logo (when set) and its name, where the instance's name was. */
export function organizationBrand(domain: string): Html {
  return trusted(`${OPEN}brand:${domain}${CLOSE}`);
}

function brand(org: Organization): string {
  const logo = org.logoUrl ? `<img class="brand-logo" src="${escapeText(org.logoUrl)}" alt="" width="24" height="24">` : "";
  return `${logo}<span class="brand-name">${escapeText(shortNameOf(org))}</span>`;
}

function shortNameOf(org: Organization): string {
  return org.shortName?.trim() || org.name;
}

/** How a name is compared for look-alikes: "ACME", "Acme " and "Ａｃｍｅ" are one name. */
function folded(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The remote organizations on a page whose name is also another's there (ours
 * included): a peer may call itself anything, so a name shared with another
 * domain is shown with the peer's domain, and nobody passes for a colleague.
 */
function ambiguousOf(orgs: Map<string, Organization>): Set<string> {
  const domainsByName = new Map<string, Set<string>>();
  for (const org of orgs.values()) {
    for (const name of new Set([folded(org.name), folded(shortNameOf(org))])) {
      const domains = domainsByName.get(name) ?? new Set<string>();
      domainsByName.set(name, domains.add(org.domain));
    }
  }
  const ambiguous = new Set<string>();
  for (const org of orgs.values()) {
    if (org.local) continue;
    if ([folded(org.name), folded(shortNameOf(org))].some((name) => domainsByName.get(name)!.size > 1)) ambiguous.add(org.domain);
  }
  return ambiguous;
}

function withDomain(org: Organization): Organization {
  const shown = `${shortNameOf(org).trim()} (${org.domain})`;
  return { ...org, name: shown, shortName: shown };
}

function chip(org: Organization): string {
  const name = escapeText(shortNameOf(org));
  const title = escapeText(org.shortName && org.shortName !== org.name ? `${org.name} (${org.domain})` : org.domain);
  const logo = org.logoUrl ? `<img src="${escapeText(org.logoUrl)}" alt="" width="16" height="16" loading="lazy"> ` : "";
  return `<span class="org" title="${title}">${logo}${name}</span>`;
}

/** Replaces every organization mark in a finished page (or fragment) by the organization it names. */
export async function nameOrganizations(ctx: ServiceContext, markup: string): Promise<string> {
  if (!markup.includes(OPEN)) return markup;
  const domains = new Set<string>();
  for (const match of markup.matchAll(MARK)) domains.add(match[2]!);
  // Our own organization is read with the others, to be compared with them.
  const orgs = await organizationsByDomain(ctx, [...domains, ctx.origin.host]);
  const ambiguous = ambiguousOf(orgs);
  return markup.replace(MARK, (_all, kind: string, domain: string) => {
    const named = orgs.get(domain);
    if (!named) return escapeText(domain);
    const org = ambiguous.has(domain) ? withDomain(named) : named;
    return kind === "chip" ? chip(org) : kind === "brand" ? brand(org) : escapeText(shortNameOf(org));
  });
}
