// The browser side of a session: the cookie (its name and options are in
// services/session-cookie.ts, shared with the OAuth sign-in page), the CSRF
// token every form carries, and one-shot flash messages that tell a person
// what their last action did.
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { forbidden } from "../domain/errors.ts";
import { readSession } from "../services/accounts/browser-session.service.ts";
import type { ServiceContext } from "../services/context.ts";
import { cookieOptions, SESSION_COOKIE } from "../services/accounts/session-cookie.ts";
import type { LocalUser } from "../services/accounts/user.service.ts";
import { safeRedirectPath } from "../domain/redirect.rules.ts";

const FLASH_COOKIE = "ecotone_flash";

export interface WebSession {
  user: LocalUser;
  csrfToken: string;
}

export interface Flash {
  kind: "done" | "error";
  message: string;
}

/** Sets one of our cookies (several per reply are fine: @fastify/cookie appends). */
export function setCookie(ctx: ServiceContext, reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void {
  reply.setCookie(name, value, cookieOptions(ctx.origin, maxAgeSeconds));
}

export async function webSession(ctx: ServiceContext, request: FastifyRequest): Promise<WebSession | null> {
  return readSession(ctx, request.cookies[SESSION_COOKIE]);
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
  setCookie(ctx, reply, FLASH_COOKIE, JSON.stringify({ ...flash, message: flash.message.slice(0, 400) }), 60);
}

export function takeFlash(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return null;
  setCookie(ctx, reply, FLASH_COOKIE, "", 0);
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
