// The browser session's cookies, defined once for every page that signs a
// person in (the web interface and the OAuth consent page share the session).
// Cookies are parsed by @fastify/cookie (src/http/cookies.ts), which never
// throws on a malformed one; the doors set them with `reply.setCookie(name,
// value, cookieOptions(...))`.

/** The session's id, in an HttpOnly cookie (see browser-session.service.ts). */
export const SESSION_COOKIE = "ecotone_session";

/** A sign-in form has no session yet, so its CSRF token is a double-submit cookie. */
export const SIGN_IN_CSRF_COOKIE = "ecotone_csrf";

/** How long a sign-in form's CSRF cookie lasts. */
export const SIGN_IN_CSRF_SECONDS = 3600;

export interface SessionCookieOptions {
  path: "/";
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

/** HttpOnly, SameSite=Lax, and Secure whenever the instance is served over https. */
export function cookieOptions(origin: URL, maxAgeSeconds: number): SessionCookieOptions {
  return { path: "/", httpOnly: true, sameSite: "lax", secure: origin.protocol === "https:", maxAge: maxAgeSeconds };
}
