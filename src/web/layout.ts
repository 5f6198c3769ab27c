// The page shell every screen shares: the top bar (search, sections, unread
// count, theme), a sidebar of your groups by company, the flash message, the
// security headers. Scripts and styles come from /assets only: the
// Content-Security-Policy allows no inline script and nothing from elsewhere.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../services/context.ts";
import { firstOfMyGroups, type GroupView } from "../services/groups/group.service.ts";
import { unreadNotificationCount } from "../services/notification.service.ts";
import { avatar, refOf } from "./people.ts";
import { html, type Html } from "./html.ts";
import { nameOrganizations, organizationBrand, organizationName } from "./organization-names.ts";
import { domainOf } from "../domain/uris.ts";
import { isMember } from "../domain/group.rules.ts";
import { takeFlash, type WebSession } from "./session.ts";

/** The pages' headers, set by @fastify/helmet (src/http/security-headers.ts); nosniff is helmet's default. */
const PAGE_HEADERS: Parameters<FastifyReply["helmet"]>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "https:", "http:", "data:"],
      connectSrc: ["'self'"],
      // The installable app: its manifest and service worker (src/web/app-shell.routes.ts).
      manifestSrc: ["'self'"],
      workerSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  xFrameOptions: { action: "deny" },
  referrerPolicy: { policy: "same-origin" },
};

export const THEME_COOKIE = "ecotone_theme";

export function securityHeaders(reply: FastifyReply): void {
  reply.helmet(PAGE_HEADERS);
  reply.header("permissions-policy", "camera=(), microphone=(), geolocation=()").header("cache-control", "no-store");
}

export interface PageOptions {
  title: string;
  session: WebSession | null;
  body: Html;
  /** Which top-level section to mark as current in the navigation. */
  section?: string;
  status?: number;
  /** The signed-in person's groups, when the page has already read them all (the sidebar then reads nothing). */
  myGroups?: GroupView[];
}

/** The sidebar shows this many of one's groups; "All my groups" leads to the rest. */
export const SIDEBAR_GROUPS = 12;

export function csrfField(session: WebSession | null): Html {
  return session ? html`<input type="hidden" name="_csrf" value="${session.csrfToken}">` : html``;
}

function sectionLinks(session: WebSession, section: string | undefined, unread: number): Html {
  const link = (href: string, label: Html | string, key: string) => html`<a href="${href}"${section === key ? html` aria-current="page"` : ""}>${label}</a>`;
  const bell = html`Notifications${unread > 0 ? html` <span class="count" aria-label="${unread} unread">${unread >= 99 ? "99+" : unread}</span>` : ""}`;
  return html`${link("/", "Home", "home")}${link("/groups", "Groups", "groups")}${link("/me/tasks", "My tasks", "tasks")}${link("/notifications", bell, "notifications")}${link("/settings", "Settings", "settings")}${session.user.role === "admin" ? link("/admin", "Admin", "admin") : ""}
    <a href="/u/${session.user.username}" class="me">@${session.user.username}</a>
    <form method="post" action="/sign-out" class="inline">${csrfField(session)}<button type="submit" class="link">Sign out</button></form>`;
}

function themeToggle(session: WebSession, theme: string): Html {
  // Light ↔ dark; "auto" (no cookie) follows the system and offers the opposite of light.
  const next = theme === "dark" ? "light" : "dark";
  return html`<form method="post" action="/theme" class="theme-form">${csrfField(session)}<input type="hidden" name="theme" value="${next}">
    <button type="submit" class="secondary" aria-label="Switch to ${next} theme" title="Switch to ${next} theme">${next === "dark" ? "☾" : "☀"}</button></form>`;
}

function topBar(ctx: ServiceContext, session: WebSession | null, section: string | undefined, unread: number, theme: string, query: string): Html {
  // The company's own name and logo (what its people recognise), not only the software's instance name.
  const own = domainOf(ctx.origin);
  const brand = html`<a class="brand" href="/" aria-label="${organizationName(own)}: home">${organizationBrand(own)}</a>`;
  if (!session) {
    return html`<header class="topbar">${brand}<nav class="sections" aria-label="Main"><a href="/sign-in"${section === "sign-in" ? html` aria-current="page"` : ""}>Sign in</a></nav>
      <details class="menu"><summary>Menu</summary><nav aria-label="Menu"><a href="/sign-in">Sign in</a></nav></details></header>`;
  }
  return html`<header class="topbar">${brand}
    <form method="get" action="/search" role="search" class="header-search"><label for="header-q" class="visually-hidden">Search people, groups, posts, tasks and ideas</label>
      <input id="header-q" name="q" type="search" placeholder="Search…" value="${query}" autocomplete="off"></form>
    <nav class="sections" aria-label="Main">${sectionLinks(session, section, unread)}</nav>
    <details class="menu"><summary aria-label="Menu${unread > 0 ? `, ${unread} unread notifications` : ""}">☰${unread > 0 ? html` <span class="count" aria-hidden="true">${unread >= 99 ? "99+" : unread}</span>` : ""}</summary><nav aria-label="Menu">${sectionLinks(session, section, unread)}</nav></details>
    ${themeToggle(session, theme)}
  </header>`;
}

/** The sidebar: my first groups, grouped by the company (instance) that holds them. */
function sidebar(groups: GroupView[], more: boolean, currentPath: string): Html {
  const mine = groups.filter((g) => isMember(g.membership));
  const byCompany = new Map<string, GroupView[]>();
  for (const g of mine) {
    const key = organizationName(g.actor.domain);
    byCompany.set(key, [...(byCompany.get(key) ?? []), g]);
  }
  return html`<aside class="sidebar" aria-label="Your groups">
    ${
      mine.length === 0
        ? html`<h2>Your groups</h2><p class="muted">None yet. <a href="/groups">Find or start one</a>.</p>`
        : [...byCompany].map(
            ([company, list]) =>
              html`<h2>${company}</h2><ul>${list.map((g) => {
                const href = `/g/${encodeURIComponent(refOf(g.actor))}`;
                return html`<li><a href="${href}"${currentPath.startsWith(href) ? html` aria-current="page"` : ""}>${avatar(g.actor, "small")}<span>${g.actor.displayName ?? g.actor.username}</span></a></li>`;
              })}</ul>`,
          )
    }
    ${more ? html`<p><a href="/groups?mine=1">All my groups</a></p>` : ""}
    <p><a href="/groups">All groups</a></p>
  </aside>`;
}

export function themeOf(request: FastifyRequest): "light" | "dark" | "auto" {
  const value = request.cookies[THEME_COOKIE];
  return value === "light" || value === "dark" ? value : "auto";
}

/** The sidebar's groups: the first few, in one statement, unless the page has them all already. */
async function sidebarGroups(ctx: ServiceContext, actorId: string, known: GroupView[] | undefined): Promise<{ groups: GroupView[]; more: boolean }> {
  if (known) return { groups: known.slice(0, SIDEBAR_GROUPS), more: known.length > SIDEBAR_GROUPS };
  return firstOfMyGroups(ctx, actorId, SIDEBAR_GROUPS);
}

export async function sendPage(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, page: PageOptions): Promise<FastifyReply> {
  const flash = takeFlash(ctx, request, reply);
  securityHeaders(reply);
  const theme = themeOf(request);
  const session = page.session;
  const [mine, unread] = session
    ? await Promise.all([sidebarGroups(ctx, session.user.actorId, page.myGroups), unreadNotificationCount(ctx, session.user.actorId)])
    : [null, 0];
  const path = request.url.split("?")[0] ?? "/";
  const query = path === "/search" ? String((request.query as Record<string, unknown>).q ?? "") : "";
  const body = html`<!doctype html>
<html lang="en"${theme === "auto" ? "" : html` data-theme="${theme}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} — ${ctx.instanceName}</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="#1f5f4a">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${topBar(ctx, session, page.section, unread, theme, query)}
<div class="shell${session ? "" : " no-sidebar"}">
${mine ? sidebar(mine.groups, mine.more, path) : ""}
<main id="main" tabindex="-1">
<div id="status" role="status" aria-live="polite" class="flash${flash ? ` ${flash.kind}` : ""}">${flash?.message ?? ""}</div>
${page.body}
</main>
</div>
</body>
</html>`;
  return reply
    .code(page.status ?? 200)
    .type("text/html; charset=utf-8")
    .send(await nameOrganizations(ctx, body.value));
}

/** A piece of a page (new items of a live list), finished like a page. */
export async function sendFragment(ctx: ServiceContext, reply: FastifyReply, parts: Html[]): Promise<FastifyReply> {
  return reply.type("text/html; charset=utf-8").send(await nameOrganizations(ctx, parts.map((p) => p.value).join("")));
}
