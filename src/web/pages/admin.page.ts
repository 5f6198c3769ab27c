// Administration: people (create, invite by link, role, audience, suspend),
// groups, the federation policy, delivery status per instance, reports.
import { ADMIN_TABS, tabRow } from "../nav.ts";
import { cursorOf, LIST_PAGE, morePager } from "../list-page.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getDeliveryStatus } from "../../services/delivery.service.ts";
import { requireAdmin } from "../../services/organizations/audit.service.ts";
import { allowHost, blockHost, forgetHost, pagePolicy, setFederationMode } from "../../services/organizations/federation-policy.service.ts";
import { pageGroups } from "../../services/groups/group.service.ts";
import { inviteByEmail } from "../../services/channels/mail-invite.service.ts";
import { createInviteLink, pageInviteLinks } from "../../services/groups/invite.service.ts";
import { pageReports, resolveReport } from "../../services/posts/report.service.ts";
import { createUser, pageUsers, setAudience, setRole, setSuspended } from "../../services/accounts/user.service.ts";
import { AUDIENCES, ROLES } from "../../domain/user.rules.ts";
import { actorLink, emptyNote, plural } from "../components.ts";
import { html, when, type Html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, optionalField, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";

function adminTabs(active: string): Html {
  return html`<h1>Administration</h1>${tabRow("Administration", ADMIN_TABS, active)}`;
}

function options(values: readonly string[], selected: string): Html {
  return html`${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ""}>${v}</option>`)}`;
}

const userName = (params: unknown) => (params as { username: string }).username;

export function registerAdminPages(ctx: ServiceContext, routes: WebRoutes): void {
  const page = (path: string, key: string, title: string, body: (session: WebSession, query: Record<string, string | undefined>) => Promise<Html>) =>
    routes.adminPage(path, async (request, reply, session) =>
      sendPage(ctx, request, reply, {
        title,
        session,
        section: "admin",
        body: html`${adminTabs(key)}${await body(session, request.query as Record<string, string | undefined>)}`,
      }),
    );

  page("/admin", "users", "People", async (session, query) => {
    const users = await pageUsers(ctx, cursorOf(query), LIST_PAGE);
    const invites = await pageInviteLinks(ctx, cursorOf(query, "links_before"), LIST_PAGE);
    return html`
      <table><thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Audience</th><th scope="col">State</th></tr></thead><tbody>
      ${users.items.map(
        (u) => html`<tr><td>@${u.username}${u.displayName ? html` <span class="muted">${u.displayName}</span>` : ""}</td>
          <td><form method="post" action="/admin/users/${u.username}/role" class="row">${csrfField(session)}<label for="role-${u.username}" class="visually-hidden">Role of ${u.username}</label><select id="role-${u.username}" name="role">${options(ROLES, u.role)}</select><button type="submit" class="secondary">Set</button></form></td>
          <td><form method="post" action="/admin/users/${u.username}/audience" class="row">${csrfField(session)}<label for="aud-${u.username}" class="visually-hidden">Audience of ${u.username}</label><select id="aud-${u.username}" name="audience">${options(AUDIENCES, u.audience)}</select><button type="submit" class="secondary">Set</button></form></td>
          <td>${u.suspended ? "suspended" : "active"}
            ${u.username === session.user.username ? "" : html`<form method="post" action="/admin/users/${u.username}/${u.suspended ? "unsuspend" : "suspend"}" class="inline"${u.suspended ? "" : html` data-confirm="Suspend @${u.username}? They will be signed out everywhere."`}>${csrfField(session)}<button type="submit" class="link">${u.suspended ? "Reinstate" : "Suspend"}</button></form>`}</td></tr>`,
      )}</tbody></table>
      ${morePager("/admin", query, users.next, "people")}
      <h2>Add a person</h2>
      <form method="post" action="/admin/users" class="stack card">${csrfField(session)}
        <div class="row"><div><label for="new-username">Username</label><input id="new-username" name="username" type="text" required></div>
        <div><label for="new-password">Password</label><input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="10"></div></div>
        <div class="row"><div><label for="new-role">Role</label><select id="new-role" name="role">${options(ROLES, "member")}</select></div>
        <div><label for="new-audience">Audience</label><select id="new-audience" name="audience">${options(AUDIENCES, "employee")}</select></div></div>
        <div><button type="submit">Create account</button></div>
      </form>
      <h2>Invite by link</h2>
      <form method="post" action="/admin/invites" class="row card">${csrfField(session)}
        <div><label for="inv-role">Role</label><select id="inv-role" name="role">${options(ROLES, "member")}</select></div>
        <div><label for="inv-audience">Audience</label><select id="inv-audience" name="audience">${options(AUDIENCES, "customer")}</select></div>
        <div><label for="inv-email">Mail it to (optional)</label><input id="inv-email" name="email" type="email"></div>
        <div><button type="submit">Create invitation link</button></div>
      </form>
      ${invites.items.length > 0 ? html`<ul class="invite-links">${invites.items.map((i) => html`<li>${i.role}, ${i.audience}: ${i.usedBy ? html`used by @${i.usedBy}` : html`open until ${when(i.expiresAt)}`}</li>`)}</ul>` : ""}
      ${morePager("/admin", query, invites.next, "invitation links", "links_before")}`;
  });

  // Who did it, for the audit log.
  const by = (session: WebSession) => requireAdmin(ctx, session.user.username);
  routes.action(
    "/admin/users",
    async (_r, s, body) => {
      const user = await createUser(ctx, {
        createdBy: await by(s),
        username: field(body, "username"),
        password: field(body, "password"),
        role: optionalField(body, "role"),
        audience: optionalField(body, "audience"),
      });
      return { done: `Account @${user.username} created.` };
    },
    { admin: true },
  );
  routes.action(
    "/admin/users/:username/role",
    async (request, s, body) => {
      const user = await setRole(ctx, userName(request.params), field(body, "role"), await by(s));
      return { done: `@${user.username} is now ${user.role}.` };
    },
    { admin: true },
  );
  routes.action(
    "/admin/users/:username/audience",
    async (request, s, body) => {
      const user = await setAudience(ctx, userName(request.params), field(body, "audience"), await by(s));
      return { done: `@${user.username} is now in the ${user.audience} audience.` };
    },
    { admin: true },
  );
  routes.action(
    "/admin/users/:username/suspend",
    async (request, s) => {
      const user = await setSuspended(ctx, userName(request.params), true, await by(s));
      return { done: `@${user.username} is suspended.` };
    },
    { admin: true },
  );
  routes.action(
    "/admin/users/:username/unsuspend",
    async (request, s) => {
      const user = await setSuspended(ctx, userName(request.params), false, await by(s));
      return { done: `@${user.username} is reinstated.` };
    },
    { admin: true },
  );
  // The new link is shown once, in the answer to the form: never in an
  // address (history, logs, Referer) nor in a cookie. Only its hash is stored.
  routes.postPage(
    "/admin/invites",
    async (request, reply, session, body) => {
      const email = optionalField(body, "email");
      const choice = { role: optionalField(body, "role"), audience: optionalField(body, "audience") };
      const invite = email ? await inviteByEmail(ctx, session.user.username, { email, ...choice }) : await createInviteLink(ctx, session.user.username, choice);
      return sendPage(ctx, request, reply, {
        title: "Invitation link",
        session,
        section: "admin",
        body: html`${adminTabs("users")}
        <div class="card" role="alert"><h2>Invitation link created</h2>
          <p>${email ? `Mailed to ${email}. ` : "Send this link to the person you invite. "}It works once, until ${when(invite.expiresAt)}; it is not shown again.</p>
          <div class="copy-row"><label for="invite-link" class="visually-hidden">Invitation link</label><input id="invite-link" type="text" readonly value="${invite.url}">
            <button type="button" class="secondary" data-copy="invite-link" hidden>Copy</button></div></div>
        <p><a href="/admin">Back to people</a></p>`,
      });
    },
    { admin: true },
  );

  page("/admin/groups", "groups", "Groups", async (session, query) => {
    const local = await pageGroups(ctx, session.user.actorId, { includeSecret: true, localOnly: true, after: cursorOf(query), size: LIST_PAGE });
    return local.items.length === 0
      ? emptyNote("No groups here yet.")
      : html`<table><thead><tr><th scope="col">Group</th><th scope="col">Visibility</th><th scope="col">Joining</th></tr></thead><tbody>
        ${local.items.map((g) => html`<tr><td>${actorLink(g.actor)}</td><td>${g.visibility}</td><td>${g.joinPolicy}</td></tr>`)}</tbody></table>
        ${morePager("/admin/groups", query, local.next, "groups")}`;
  });

  page("/admin/federation", "federation", "Federation", async (session, query) => {
    const policy = await pagePolicy(ctx, cursorOf(query), LIST_PAGE);
    const hosts = policy.hosts;
    return html`<form method="post" action="/admin/federation/mode" class="row card">${csrfField(session)}
        <div><label for="mode">Federate with</label><select id="mode" name="mode">
          <option value="open"${policy.mode === "open" ? html` selected` : ""}>every instance but blocked ones (open)</option>
          <option value="allowlist"${policy.mode === "allowlist" ? html` selected` : ""}>partner instances only (allowlist)</option></select></div>
        <div><button type="submit">Save</button></div></form>
      <h2>Instances</h2>
      ${
        hosts.items.length === 0
          ? emptyNote("No instance is listed.")
          : html`<table><thead><tr><th scope="col">Instance</th><th scope="col">Policy</th><th scope="col">Note</th><th scope="col"></th></tr></thead><tbody>
        ${hosts.items.map((h) => html`<tr><td>${h.host}</td><td>${h.policy}</td><td>${h.note ?? ""}</td><td><form method="post" action="/admin/federation/forget" class="inline">${csrfField(session)}<input type="hidden" name="host" value="${h.host}"><button type="submit" class="link">Remove</button></form></td></tr>`)}</tbody></table>
        ${morePager("/admin/federation", query, hosts.next, "instances")}`
      }
      <form method="post" action="/admin/federation/hosts" class="row card">${csrfField(session)}
        <div><label for="host">Instance (host name)</label><input id="host" name="host" type="text" placeholder="partner.example" required></div>
        <div><label for="policy">Policy</label><select id="policy" name="policy"><option value="allow">partner (allow)</option><option value="block">block</option></select></div>
        <div><label for="note">Note</label><input id="note" name="note" type="text"></div>
        <div><button type="submit">Add</button></div></form>`;
  });
  routes.action(
    "/admin/federation/mode",
    async (_r, s, body) => {
      await setFederationMode(ctx, field(body, "mode"), await by(s));
      return { done: `Federation mode: ${field(body, "mode")}.` };
    },
    { admin: true },
  );
  routes.action(
    "/admin/federation/hosts",
    async (_r, s, body) => {
      const host = field(body, "host");
      const saved =
        field(body, "policy") === "block"
          ? await blockHost(ctx, host, optionalField(body, "note"), await by(s))
          : await allowHost(ctx, host, optionalField(body, "note"), await by(s));
      return { done: `${saved}: ${field(body, "policy") === "block" ? "blocked" : "partner"}.` };
    },
    { admin: true },
  );
  routes.action(
    "/admin/federation/forget",
    async (_r, s, body) => {
      await forgetHost(ctx, field(body, "host"), await by(s));
      return { done: `${field(body, "host")} removed from the list.` };
    },
    { admin: true },
  );

  page("/admin/deliveries", "deliveries", "Deliveries", async () => {
    const status = await getDeliveryStatus(ctx);
    const waiting =
      status.pendingOutboxEvents === 0
        ? "Every change has been turned into activities."
        : `${plural(status.pendingOutboxEvents, "change is", "changes are")} waiting to be turned into activities.`;
    const queued = status.queues.filter((q) => q.queued > 0);
    return html`<p>${waiting} ${queued.length === 0 ? "Nothing is queued for delivery." : `Queued: ${queued.map((q) => `${q.queued} in ${q.queue}`).join(", ")}.`}</p>
      ${
        status.instances.length === 0
          ? emptyNote("Nothing queued for any instance.")
          : html`<table><thead><tr><th scope="col">Instance</th><th scope="col">Queued</th><th scope="col">Retrying (failed before)</th><th scope="col">Most attempts</th><th scope="col">Oldest</th><th scope="col">Parked</th></tr></thead><tbody>
      ${status.instances.map((i) => html`<tr><td>${i.host}</td><td>${i.queued}</td><td>${i.retrying}</td><td>${i.maxAttempt}</td><td>${when(i.oldest)}</td><td>${i.parked ?? "no"}</td></tr>`)}</tbody></table>`
      }`;
  });

  page("/admin/reports", "reports", "Reports", async (session, query) => {
    const reports = await pageReports(ctx, session.user.username, cursorOf(query), 20);
    return reports.items.length === 0
      ? emptyNote("No open reports.")
      : html`${reports.items.map(
          (
            r,
          ) => html`<div class="card"><p><strong>${r.reporter}</strong> reported ${r.target ?? "posts"} ${when(r.createdAt)}${r.fromThisInstance ? "" : " (from another instance)"}</p>
          ${r.comment ? html`<p>${r.comment}</p>` : ""}<ul>${r.postUris.map((u: string) => html`<li><a href="${u}" rel="nofollow noopener">${u}</a></li>`)}</ul>
          <form method="post" action="/admin/reports/${r.id}/resolve" class="inline">${csrfField(session)}<button type="submit">Mark resolved</button></form></div>`,
        )}
        ${morePager("/admin/reports", query, reports.next, "reports")}`;
  });
  routes.action(
    "/admin/reports/:id/resolve",
    async (request, session) => {
      await resolveReport(ctx, session.user.username, (request.params as { id: string }).id);
      return { done: "Report resolved." };
    },
    { admin: true },
  );
}
