// The page shell every screen shares: navigation, the flash message, the
// security headers. Scripts and styles come from /assets only: the
// Content-Security-Policy allows no inline script and nothing from elsewhere.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../services/context.ts";
import { html, type Html } from "./html.ts";
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
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  xFrameOptions: { action: "deny" },
  referrerPolicy: { policy: "same-origin" },
};

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
}

function nav(ctx: ServiceContext, session: WebSession | null, section: string | undefined): Html {
  const link = (href: string, label: string, key: string) =>
    html`<a href="${href}"${section === key ? html` aria-current="page"` : ""}>${label}</a>`;
  if (!session) {
    return html`<nav aria-label="Main"><a class="brand" href="/">${ctx.instanceName}</a><span class="spacer"></span>${link("/sign-in", "Sign in", "sign-in")}</nav>`;
  }
  const admin = session.user.role === "admin";
  return html`<nav aria-label="Main">
    <a class="brand" href="/">${ctx.instanceName}</a>
    ${link("/", "Home", "home")} ${link("/groups", "Groups", "groups")} ${link("/me/tasks", "My tasks", "tasks")}
    ${link("/notifications", "Notifications", "notifications")} ${link("/settings", "Settings", "settings")}
    ${admin ? link("/admin", "Admin", "admin") : ""}
    <span class="spacer"></span>
    <a href="/u/${session.user.username}" class="me">@${session.user.username}</a>
    <form method="post" action="/sign-out" class="inline">${csrfField(session)}<button type="submit" class="link">Sign out</button></form>
  </nav>`;
}

export function csrfField(session: WebSession | null): Html {
  return session ? html`<input type="hidden" name="_csrf" value="${session.csrfToken}">` : html``;
}

export function sendPage(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, page: PageOptions): FastifyReply {
  const flash = takeFlash(ctx, request, reply);
  securityHeaders(reply);
  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} — ${ctx.instanceName}</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>${nav(ctx, page.session, page.section)}</header>
<div id="status" role="status" aria-live="polite" class="flash${flash ? ` ${flash.kind}` : ""}">${flash?.message ?? ""}</div>
<main id="main" tabindex="-1">${page.body}</main>
</body>
</html>`;
  return reply.code(page.status ?? 200).type("text/html; charset=utf-8").send(body.value);
}
