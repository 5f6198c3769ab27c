// Segment pages: /segments (yours) and /segments/:id (its members now, the
// CSV, and the form that addresses an announcement to them: one direct post
// to each member, docs/insights.md "Segments"). Segments are made through the
// API (their filters are JSON); these pages use them.
import type { ServiceContext } from "../../services/context.ts";
import { announceToSegment, listSegments, segmentMemberList } from "../../services/insights/segment.service.ts";
import { emptyNote } from "../components.ts";
import { html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";

const who = (session: WebSession) => ({ username: session.user.username, role: session.user.role });
const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export function registerSegmentPages(ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/segments", async (request, reply, session) => {
    const segments = await listSegments(ctx, who(session));
    return sendPage(ctx, request, reply, {
      title: "Segments",
      session,
      section: "admin",
      body: html`<h1>Segments</h1>
        ${
          segments.length === 0
            ? emptyNote("No segments yet: save one with POST /api/ecotone/v1/segments (docs/insights.md).")
            : html`<ul>${segments.map((s) => html`<li><a href="/segments/${s.id}">${s.name}</a></li>`)}</ul>`
        }`,
    });
  });

  routes.signedInPage("/segments/:id", async (request, reply, session) => {
    const { segment, total, items } = await segmentMemberList(ctx, who(session), idOf(request));
    return sendPage(ctx, request, reply, {
      title: `Segment ${segment.name}`,
      session,
      section: "admin",
      body: html`<h1>Segment <span class="muted">${segment.name}</span></h1>
        <p>${total === null ? `More than ${items.length}` : total} ${total === 1 ? "person" : "people"} now. <a href="/api/ecotone/v1/segments/${segment.id}/members?format=csv" download>Download as CSV</a></p>
        <h2>Announce to them</h2>
        <form method="post" action="/segments/${segment.id}/announce" class="card">${csrfField(session)}
          <div><label for="announce-text">Announcement</label><textarea id="announce-text" name="text" rows="4" maxlength="5000" required></textarea></div>
          <p class="muted">Each member gets it as a direct word, naming only them (nobody sees who else got it).</p>
          <div><button type="submit">Send to ${items.length} ${items.length === 1 ? "person" : "people"}</button></div></form>
        <h2>Members</h2>
        ${
          items.length === 0
            ? emptyNote("Nobody matches this segment now.")
            : html`<div class="table-scroll"><table><thead><tr><th scope="col">Person</th><th scope="col">Organization</th><th scope="col">Audience</th><th scope="col">Relationship</th></tr></thead><tbody>
          ${items.map((m) => html`<tr><td>${m.name ?? m.handle} <span class="muted">${m.handle}</span></td><td>${m.organization}</td><td>${m.audience}</td><td>${m.relationship}</td></tr>`)}
          </tbody></table></div>`
        }`,
    });
  });

  routes.action("/segments/:id/announce", async (request, session, body) => {
    const { sent } = await announceToSegment(ctx, who(session), idOf(request), field(body, "text"));
    return { done: `Announcement sent to ${sent} ${sent === 1 ? "person" : "people"}.` };
  });
}
