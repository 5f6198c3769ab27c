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
  const orgs = await organizationsByDomain(ctx, domains);
  return markup.replace(MARK, (_all, kind: string, domain: string) => {
    const org = orgs.get(domain);
    if (!org) return escapeText(domain);
    return kind === "chip" ? chip(org) : kind === "brand" ? brand(org) : escapeText(shortNameOf(org));
  });
}
