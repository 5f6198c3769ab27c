// Cookie parsing and Set-Cookie through @fastify/cookie: `request.cookies` is
// parsed once per request (a malformed value is kept as sent, never an
// error) and `reply.setCookie` appends, so a redirect can set several.
// The names and options of our cookies are in src/services/accounts/session-cookie.ts.
import cookie from "@fastify/cookie";
import type { FastifyInstance } from "fastify";

export function registerCookies(fastify: FastifyInstance): void {
  void fastify.register(cookie);
}
