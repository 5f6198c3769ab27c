// Administration of companies: our organization's profile, and the Partners
// page (each known organization's relationship, federation policy and join
// rule; employees' joins waiting for approval; shared rooms).
import { cursorOf, LIST_PAGE, morePager } from "../list-page.ts";
import { ADMIN_TABS, tabRow } from "../nav.ts";
import type { ServiceContext } from "../../services/context.ts";
import { auditActorOf } from "../../services/organizations/audit.service.ts";
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import { decideJoinApproval, listJoinApprovals } from "../../services/groups/governance.service.ts";
import { requestRemoteMembership } from "../../services/groups/group.service.ts";
import { getOwnOrganization, setOwnOrganization } from "../../services/organizations/organization.service.ts";
import { pagePartners, setPartner } from "../../services/organizations/partner.service.ts";
import { answerRoomInvitation, listSharedRooms } from "../../services/groups/shared-room.service.ts";
import { JOIN_RULES, PARTNER_POLICIES, RELATIONSHIPS } from "../../domain/organization.rules.ts";
import { actorLink, emptyNote } from "../components.ts";
import { html, when, type Html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { organizationBadge } from "../organizations.components.ts";
import { field, optionalField, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";

function select(name: string, id: string, label: string, values: readonly string[], selected: string): Html {
  return html`<label for="${id}" class="visually-hidden">${label}</label
    ><select id="${id}" name="${name}">
      ${values.map((v) => html`<option value="${v}" ${v === selected ? html` selected` : ""}>${v}</option>`)}
    </select>`;
}

export function registerOrganizationPages(ctx: ServiceContext, routes: WebRoutes): void {
  const byOf = async (session: WebSession) => auditActorOf(await requireLocalUserActor(ctx, session.user.username));

  routes.adminPage("/admin/organization", async (request, reply, session) => {
    const org = await getOwnOrganization(ctx);
    const input = (name: string, label: string, value: string | null, type = "text") =>
      html`<div><label for="org-${name}">${label}</label><input id="org-${name}" name="${name}" type="${type}" value="${value ?? ""}" /></div>`;
    return sendPage(ctx, request, reply, {
      title: "Organization",
      session,
      section: "admin",
      body: html`${tabRow("Administration", ADMIN_TABS, "organization")}
        <h1>Our organization</h1>
        <p class="muted">Shown to other instances on this instance's actor, in NodeInfo and beside every person of this instance.</p>
        <form method="post" action="/admin/organization" class="stack card">
          ${csrfField(session)}
          <div>
            <label for="org-name">Name</label><input id="org-name" name="name" type="text" required maxlength="100" value="${org.known ? org.name : ""}" />
          </div>
          ${input("shortName", "Short name", org.shortName)} ${input("logoUrl", "Logo URL", org.logoUrl, "url")}
          ${input("website", "Website", org.website, "url")}
          <div>
            <label for="org-description">Description</label
            ><textarea id="org-description" name="description" maxlength="2000">${org.description ?? ""}</textarea>
          </div>
          <div><button type="submit">Save</button></div>
        </form>`,
    });
  });
  routes.action(
    "/admin/organization",
    async (_r, session, body) => {
      const org = await setOwnOrganization(ctx, await byOf(session), {
        name: field(body, "name"),
        shortName: optionalField(body, "shortName"),
        logoUrl: optionalField(body, "logoUrl"),
        website: optionalField(body, "website"),
        description: optionalField(body, "description"),
      });
      return { done: `Saved: ${org.name}.` };
    },
    { admin: true },
  );

  routes.adminPage("/admin/partners", async (request, reply, session) => {
    const query = request.query as Record<string, unknown>;
    const [partners, approvals, rooms] = await Promise.all([
      pagePartners(ctx, cursorOf(query), LIST_PAGE),
      listJoinApprovals(ctx, session.user.username),
      listSharedRooms(ctx, session.user.username),
    ]);
    const row = (p: (typeof partners.items)[number]) =>
      html`<tr>
        <td>${organizationBadge({ ...p.organization, relationship: null })} <span class="muted">${p.domain}</span></td>
        <td colspan="4">
          <form method="post" action="/admin/partners" class="row">
            ${csrfField(session)}<input type="hidden" name="domain" value="${p.domain}" />
            ${select("relationship", `rel-${p.domain}`, `Relationship with ${p.domain}`, ["none", ...RELATIONSHIPS], p.relationship ?? "none")}
            ${select("policy", `pol-${p.domain}`, `Federation policy for ${p.domain}`, PARTNER_POLICIES, p.policy)}
            ${select("joinRule", `join-${p.domain}`, `Employees joining groups at ${p.domain}`, JOIN_RULES, p.joinRule)}
            <button type="submit" class="secondary">Save</button>
          </form>
        </td>
      </tr>`;
    return sendPage(ctx, request, reply, {
      title: "Partners",
      session,
      section: "admin",
      body: html`${tabRow("Administration", ADMIN_TABS, "partners")}
        <h1>Partners</h1>
        <p class="muted">
          Relationship: how this instance labels the organization (its people inherit it as their audience). Policy: allow, block, or limited (federates, but
          its people need a moderator to join our groups). Join rule: whether our employees may join groups hosted there (allow, approval by an admin, deny).
        </p>
        ${
          partners.items.length === 0
            ? emptyNote("No other organization known yet.")
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">Organization</th>
                    <th scope="col" colspan="4">Relationship · policy · join rule</th>
                  </tr>
                </thead>
                <tbody>
                  ${partners.items.map(row)}
                </tbody>
              </table>
              ${morePager("/admin/partners", query, partners.next, "organizations")}`
        }
        <form method="post" action="/admin/partners" class="row card">
          ${csrfField(session)}
          <div>
            <label for="new-domain">Instance (host name)</label><input id="new-domain" name="domain" type="text" placeholder="partner.example" required />
          </div>
          <div>${select("relationship", "new-rel", "Relationship", ["none", ...RELATIONSHIPS], "partner")}</div>
          <div><button type="submit">Add</button></div>
        </form>
        <h2>Joins waiting for approval</h2>
        ${
          approvals.length === 0
            ? emptyNote("No employee is waiting.")
            : html`<ul>
                ${approvals.map(
                  (a) =>
                    html`<li>
                      ${actorLink(a.member)} asks to join ${actorLink(a.group)} ${when(a.requestedAt)}
                      <form method="post" action="/admin/join-approvals/${a.id}/approve" class="inline">
                        ${csrfField(session)}<button type="submit">Approve</button>
                      </form>
                      <form method="post" action="/admin/join-approvals/${a.id}/deny" class="inline">
                        ${csrfField(session)}<button type="submit" class="secondary">Deny</button>
                      </form>
                    </li>`,
                )}
              </ul>`
        }
        <h2>Shared rooms</h2>
        ${
          rooms.hosted.length === 0
            ? emptyNote("None of our groups is shared with named organizations.")
            : html`<ul>
                ${rooms.hosted.map((r) => html`<li>${actorLink(r.group)}: ${r.organizations.map((o, i) => html`${i > 0 ? ", " : ""}${o.organization.name} (${o.state})`)}</li>`)}
              </ul>`
        }
        <h3>Invitations to rooms elsewhere</h3>
        ${
          rooms.invitations.length === 0
            ? emptyNote("No invitation.")
            : html`<ul>
                ${rooms.invitations.map(
                  (i) =>
                    html`<li>
                      ${actorLink(i.group)} — ${i.state} ${when(i.invitedAt)}
                      ${
                        i.state === "pending"
                          ? html`<form method="post" action="/admin/shared-rooms/${i.id}/accept" class="inline">
                                ${csrfField(session)}<button type="submit">Accept</button>
                              </form>
                              <form method="post" action="/admin/shared-rooms/${i.id}/decline" class="inline">
                                ${csrfField(session)}<button type="submit" class="secondary">Decline</button>
                              </form>`
                          : ""
                      }
                      ${i.state === "accepted" ? html`<form method="post" action="/admin/shared-rooms/${i.id}/leave" class="inline" data-confirm="Our people will lose access to this room.">${csrfField(session)}<button type="submit" class="secondary">Leave</button></form>` : ""}
                    </li>`,
                )}
              </ul>`
        }`,
    });
  });
  routes.action(
    "/admin/partners",
    async (_r, session, body) => {
      const p = await setPartner(ctx, await byOf(session), field(body, "domain"), {
        relationship: field(body, "relationship") || undefined,
        ...(optionalField(body, "policy") ? { policy: field(body, "policy") } : {}),
        ...(optionalField(body, "joinRule") ? { joinRule: field(body, "joinRule") } : {}),
      });
      return { done: `${p.domain}: ${p.relationship ?? "no relationship"}, ${p.policy}, join rule ${p.joinRule}.` };
    },
    { admin: true },
  );
  for (const decision of ["approve", "deny"] as const) {
    routes.action(
      `/admin/join-approvals/:id/${decision}`,
      async (request, session) => {
        await decideJoinApproval(ctx, session.user.username, (request.params as { id: string }).id, decision === "approve", (memberId, group) =>
          requestRemoteMembership(ctx, memberId, group.id),
        );
        return { done: decision === "approve" ? "Approved: the join request went to the group." : "Denied." };
      },
      { admin: true },
    );
  }
  for (const answer of ["accept", "decline", "leave"] as const) {
    routes.action(
      `/admin/shared-rooms/:id/${answer}`,
      async (request, session) => {
        const result = await answerRoomInvitation(ctx, session.user.username, (request.params as { id: string }).id, answer);
        return { done: `Shared room ${result.group.handle}: ${result.state}.` };
      },
      { admin: true },
    );
  }
}
