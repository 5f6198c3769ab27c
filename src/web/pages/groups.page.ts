// The groups directory: groups here, remote groups I belong to, a box to find
// a group on another instance, and a form to start one.
import { cursorOf, LIST_PAGE, morePager } from "../list-page.ts";
import { isMember } from "../../domain/group.rules.ts";
import { organizationChip } from "../organization-names.ts";
import type { ServiceContext } from "../../services/context.ts";
import { createGroup, findGroup, pageGroups, type GroupView } from "../../services/groups/group.service.ts";
import { toActorView } from "../../services/accounts/actor.service.ts";
import { actorLink, emptyNote, refOf } from "../components.ts";
import { html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, optionalField, type WebRoutes } from "../routes.ts";

export function registerGroupDirectory(ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/groups", async (request, reply, session) => {
    // "All my groups" from the sidebar: the directory narrowed to one's own groups.
    const mine = (request.query as Record<string, unknown>).mine === "1";
    const groups = await pageGroups(ctx, session.user.actorId, { after: cursorOf(request.query), size: LIST_PAGE, mine });
    const row = (g: GroupView) =>
      html`<tr><td>${actorLink(g.actor)}</td><td>${organizationChip(g.actor.domain)}</td><td>${g.visibility.replace("_", " ")}</td><td>${g.membership && isMember(g.membership) ? g.membership.role : g.membership?.state === "pending" ? "requested" : "—"}</td></tr>`;
    return sendPage(ctx, request, reply, {
      title: "Groups",
      session,
      section: "groups",
      body: html`<h1>${mine ? "My groups" : "Groups"}</h1>
        ${mine ? html`<p><a href="/groups">All groups</a></p>` : ""}
        <form method="get" action="/groups/find" class="row card" role="search">
          <div><label for="find">Find a group on another instance</label><input id="find" name="q" type="search" placeholder="@suppliers@globex.example or a URL" required></div>
          <div><button type="submit">Find</button></div>
        </form>
        ${groups.items.length === 0 ? emptyNote(mine ? "You are in no group yet." : "No groups yet.") : html`<table><thead><tr><th scope="col">Group</th><th scope="col">Company</th><th scope="col">Visibility</th><th scope="col">You</th></tr></thead><tbody>${groups.items.map(row)}</tbody></table>`}
        ${morePager("/groups", request.query as Record<string, unknown>, groups.next, "groups")}
        <h2>Start a group</h2>
        <form method="post" action="/groups" class="stack card">
          ${csrfField(session)}
          <div><label for="slug">Handle</label><input id="slug" name="slug" type="text" required pattern="[a-z0-9_\\-]+" aria-describedby="slug-help"><p id="slug-help" class="muted">Lower-case letters, digits, - and _; people will find it as @handle@${ctx.origin.host}.</p></div>
          <div><label for="name">Name</label><input id="name" name="name" type="text"></div>
          <div><label for="summary">About</label><textarea id="summary" name="summary"></textarea></div>
          <div class="row">
            <div><label for="visibility">Who can read it</label><select id="visibility" name="visibility"><option value="public">Everyone (public)</option><option value="members_only">Members only</option><option value="secret">Members only, unlisted (secret)</option></select></div>
            <div><label for="joinPolicy">Who can join</label><select id="joinPolicy" name="joinPolicy"><option value="open">Anyone</option><option value="approval">Anyone, after approval</option><option value="invite">Invited people</option></select></div>
          </div>
          <div><button type="submit">Create group</button></div>
        </form>`,
    });
  });

  routes.signedInPage("/groups/find", async (request, reply, session) => {
    const q = String((request.query as Record<string, unknown>).q ?? "").trim();
    const group = await findGroup(ctx, q, session.user.actorId);
    return reply.redirect(`/g/${encodeURIComponent(refOf(toActorView(group.actor)))}`, 303);
  });

  routes.action("/groups", async (_request, session, body) => {
    const group = await createGroup(ctx, session.user.username, {
      slug: field(body, "slug"),
      name: optionalField(body, "name"),
      summary: optionalField(body, "summary"),
      visibility: optionalField(body, "visibility"),
      joinPolicy: optionalField(body, "joinPolicy"),
    });
    return { done: `Group @${group.actor.username} created.`, to: `/g/${encodeURIComponent(group.actor.username)}` };
  });
}
