// The browser side of a session: the cookie (shared with the OAuth sign-in
// page), the CSRF token every form carries, and one-shot flash messages that
// tell a person what their last action did.
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { forbidden } from "../domain/errors.ts";
import { readSession } from "../services/browser-session.service.ts";
import type { ServiceContext } from "../services/context.ts";
import type { LocalUser } from "../services/user.service.ts";
import { safeRedirectPath } from "../domain/redirect.rules.ts";

export const SESSION_COOKIE = "ecotone_session";
const FLASH_COOKIE = "ecotone_flash";

export interface WebSession {
  user: LocalUser;
  csrfToken: string;
}

export interface Flash {
  kind: "done" | "error";
  message: string;
}

export function readCookies(request: FastifyRequest): Record<string, string> {
  const header = request.headers.cookie ?? "";
  const jar: Record<string, string> = {};
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (!name || rest.length === 0) continue;
    try {
      jar[name] = decodeURIComponent(rest.join("="));
    } catch {
      // A malformed cookie is ignored, not fatal.
    }
  }
  return jar;
}

/** HttpOnly, SameSite=Lax, and Secure whenever the instance is served over https. */
export function cookieHeader(ctx: ServiceContext, name: string, value: string, maxAgeSeconds: number): string {
  const secure = ctx.origin.protocol === "https:" ? "; Secure" : "";
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export async function webSession(ctx: ServiceContext, request: FastifyRequest): Promise<WebSession | null> {
  return readSession(ctx, readCookies(request)[SESSION_COOKIE]);
}

/** Every state-changing form carries the session's CSRF token in `_csrf`. */
export function assertCsrf(request: FastifyRequest, session: WebSession): void {
  const given = (request.body as Record<string, unknown> | undefined)?._csrf;
  const a = Buffer.from(typeof given === "string" ? given : "");
  const b = Buffer.from(session.csrfToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw forbidden("This form has expired or did not come from this site; reload the page and try again");
  }
}

export function setFlash(ctx: ServiceContext, reply: FastifyReply, flash: Flash): void {
  reply.header("set-cookie", cookieHeader(ctx, FLASH_COOKIE, JSON.stringify({ ...flash, message: flash.message.slice(0, 400) }), 60));
}

export function takeFlash(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = readCookies(request)[FLASH_COOKIE];
  if (!raw) return null;
  reply.header("set-cookie", cookieHeader(ctx, FLASH_COOKIE, "", 0));
  try {
    const parsed = JSON.parse(raw) as Flash;
    return (parsed.kind === "done" || parsed.kind === "error") && typeof parsed.message === "string" ? parsed : null;
  } catch {
    return null;
  }
}

/** Where to go back after a form: the page it was on (same origin only), else `fallback`. */
export function backTo(ctx: ServiceContext, request: FastifyRequest, fallback: string): string {
  const referer = request.headers.referer;
  if (referer) {
    try {
      const url = new URL(referer);
      // Same origin is not enough: a path like `//evil.example` leaves the site.
      const path = url.pathname + url.search;
      if (url.origin === ctx.origin.origin && safeRedirectPath(path) === path) return path;
    } catch {
      // ignore
    }
  }
  return fallback;
}
