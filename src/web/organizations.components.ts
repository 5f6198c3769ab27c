// "Companies in this group": each organization with its logo, this
// instance's relationship with it, and how many of the group's members work
// there. Shown on every group page to those who may see the member list.
import type { ServiceContext } from "../services/context.ts";
import { groupOrganizationsOf } from "../services/groups/group-organizations.service.ts";
import type { GroupAccess } from "../services/groups/group-access.ts";
import { html, type Html } from "./html.ts";

export function organizationBadge(org: { name: string; logoUrl: string | null; relationship: string | null }): Html {
  return html`<span class="org"
    >${org.logoUrl ? html`<img src="${org.logoUrl}" alt="" width="20" height="20" loading="lazy" /> ` : ""}<strong>${org.name}</strong>${
      org.relationship ? html` <span class="badge">${org.relationship === "self" ? "us" : org.relationship}</span>` : ""
    }</span
  >`;
}

export async function companiesSection(ctx: ServiceContext, access: GroupAccess): Promise<Html> {
  let items;
  try {
    items = await groupOrganizationsOf(ctx, access);
  } catch {
    // Not for this viewer (members-only, or a group elsewhere they have not joined).
    return html``;
  }
  if (items.length === 0) return html``;
  // Two companies may share a name (two "Acme"s on different servers): then each is told apart by its domain.
  const named = new Map<string, number>();
  for (const i of items) named.set(i.organization.name.toLowerCase(), (named.get(i.organization.name.toLowerCase()) ?? 0) + 1);
  const shared = (name: string) => (named.get(name.toLowerCase()) ?? 0) > 1;
  return html`<section aria-labelledby="companies">
    <h2 id="companies">Companies in this group</h2>
    <ul class="companies">
      ${items.map(
        (i) =>
          html`<li>${organizationBadge(i.organization)}${shared(i.organization.name) ? html` <span class="muted">${i.organization.domain}</span>` : ""} · ${i.memberCount} member${i.memberCount === 1 ? "" : "s"}</li>`,
      )}
    </ul>
  </section>`;
}
