// People and groups as pages show them: their page's address, their name,
// their avatar (initials when there is no picture), their company.
import type { ActorView } from "../services/accounts/actor.service.ts";
import { html, type Html } from "./html.ts";
import { organizationChip, organizationName } from "./organization-names.ts";

/** The reference a page URL uses: a local name, or the full @name@host handle. */
export function refOf(actor: ActorView): string {
  return actor.local ? actor.username : actor.handle.replace(/^@/, "");
}

export function actorHref(actor: ActorView): string {
  return actor.type === "Group" ? `/g/${encodeURIComponent(refOf(actor))}` : `/u/${encodeURIComponent(refOf(actor))}`;
}

export function nameOf(actor: ActorView): string {
  return actor.displayName?.trim() || actor.username;
}

function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const letters = words.length >= 2 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}

/** A stable colour per person, from a small palette that keeps white initials readable. */
function colourOf(key: string): number {
  let hash = 0;
  for (const c of key) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % 6;
}

/** The person's picture, or their initials on a colour of their own. Decorative: the name is always beside it. */
export function avatar(actor: ActorView, size: "small" | "" = ""): Html {
  const cls = `avatar${size ? ` ${size}` : ""} c${colourOf(actor.uri)}`;
  if (actor.avatarUrl) return html`<span class="${cls}" aria-hidden="true"><img src="${actor.avatarUrl}" alt="" loading="lazy"></span>`;
  return html`<span class="${cls}" aria-hidden="true">${initials(nameOf(actor))}</span>`;
}

/**
 * Where someone works: their organization's logo and name, filled in when the
 * page is finished (organization-names.ts). People from here need no chip in
 * feeds; lists of people (`always`) name everyone's company.
 */
export function orgChip(actor: ActorView, options: { always?: boolean } = {}): Html {
  return actor.local && !options.always ? html`` : organizationChip(actor.domain);
}

/** Name, handle and (someone from elsewhere) their company. */
export function actorLink(actor: ActorView): Html {
  return html`<a href="${actorHref(actor)}">${nameOf(actor)}</a> <span class="muted">${actor.local && actor.type !== "Group" ? `@${actor.username}` : actor.handle}</span>${actor.type === "Group" ? "" : html` ${orgChip(actor)}`}`;
}

/** Avatar, name and company: how a person appears in lists. */
export function personLine(actor: ActorView): Html {
  const handle = actor.local && actor.type !== "Group" ? `@${actor.username}` : actor.handle;
  return html`<span class="person">${avatar(actor, "small")}<a href="${actorHref(actor)}">${nameOf(actor)}</a> <span class="muted">${handle}</span> ${orgChip(actor, { always: true })}</span>`;
}

/** "Gina (Globex)" in running text; someone from here by name alone. */
export function personInWords(actor: ActorView): string {
  return actor.local ? nameOf(actor) : `${nameOf(actor)} (${organizationName(actor.domain)})`;
}
