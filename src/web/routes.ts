// How a web page or a form action is wired: who must be signed in, how a
// refusal is shown. Pages render; actions change something and redirect
// (post/redirect/get), carrying a flash that says what happened or why not.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.ts";
import type { ServiceContext } from "../services/context.ts";
import { html } from "./html.ts";
import { sendPage } from "./layout.ts";
import { assertCsrf, backTo, setCookie, setFlash, webSession, type WebSession } from "./session.ts";

export type Fields = Record<string, unknown>;

export function field(body: Fields, name: string): string {
  const value = body[name];
  return typeof value === "string" ? value : "";
}

export function optionalField(body: Fields, name: string): string | undefined {
  const value = field(body, name).trim();
  return value === "" ? undefined : value;
}

type PageHandler = (request: FastifyRequest, reply: FastifyReply, session: WebSession | null) => Promise<FastifyReply>;
type SignedInPageHandler = (request: FastifyRequest, reply: FastifyReply, session: WebSession) => Promise<FastifyReply>;
export interface ActionResult {
  /** Where to go next; by default back to the page the form was on. */
  to?: string;
  /** What happened, shown on the next page. */
  done: string;
  /** Cookies to set (signing out clears the session cookie): name, value, max age in seconds. */
  cookies?: { name: string; value: string; maxAgeSeconds: number }[];
}
type ActionHandler = (request: FastifyRequest, session: WebSession, body: Fields) => Promise<ActionResult>;

export interface WebRoutes {
  page(path: string, handler: PageHandler): void;
  signedInPage(path: string, handler: SignedInPageHandler): void;
  adminPage(path: string, handler: SignedInPageHandler): void;
  action(path: string, handler: ActionHandler, options?: { admin?: boolean }): void;
  /**
   * A form whose answer is a page rather than a redirect: for what must not
   * travel in an address or a cookie (a new invitation link). A refusal
   * still redirects back with the reason.
   */
  postPage(
    path: string,
    handler: (request: FastifyRequest, reply: FastifyReply, session: WebSession, body: Fields) => Promise<FastifyReply>,
    options?: { admin?: boolean },
  ): void;
}

function signInRedirect(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
}

export function webRoutes(fastify: FastifyInstance, ctx: ServiceContext): WebRoutes {
  async function showError(request: FastifyRequest, reply: FastifyReply, session: WebSession | null, error: unknown) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "unauthorized" && !session) return signInRedirect(request, reply);
    const status = { not_found: 404, forbidden: 403, validation_failed: 422, conflict: 409 }[error.code as string] ?? 400;
    const title = status === 404 ? "Not found" : "Cannot show this page";
    return sendPage(ctx, request, reply, {
      title,
      session,
      status,
      body: html`<h1>${title}</h1><p>${error.message}</p><p><a href="/">Back to the start page</a></p>`,
    });
  }

  /**
   * A form refused before its handler ran because it was too large (a file
   * over the upload limit, too many files): back to the form with the reason,
   * where the page's script puts back what was typed, not a bare 413.
   */
  async function tooLargeGoesBack(error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) {
    const session = error.statusCode === 413 ? await webSession(ctx, request) : null;
    if (!session) throw error;
    setFlash(ctx, reply, { kind: "error", message: `${error.message}. Nothing was saved; choose fewer or smaller files.` });
    return reply.redirect(backTo(ctx, request, "/"), 303);
  }

  const routes: WebRoutes = {
    page(path, handler) {
      fastify.get(path, async (request, reply) => {
        const session = await webSession(ctx, request);
        try {
          return await handler(request, reply, session);
        } catch (error) {
          return showError(request, reply, session, error);
        }
      });
    },
    signedInPage(path, handler) {
      routes.page(path, async (request, reply, session) => (session ? handler(request, reply, session) : signInRedirect(request, reply)));
    },
    adminPage(path, handler) {
      routes.signedInPage(path, async (request, reply, session) => {
        if (session.user.role !== "admin") throw new DomainError("forbidden", "This page is for the instance's administrators");
        return handler(request, reply, session);
      });
    },
    action(path, handler, options = {}) {
      fastify.post(path, { errorHandler: tooLargeGoesBack }, async (request, reply) => {
        const session = await webSession(ctx, request);
        if (!session) return signInRedirect(request, reply);
        const body = (request.body && typeof request.body === "object" ? request.body : {}) as Fields;
        try {
          assertCsrf(request, session);
          if (options.admin && session.user.role !== "admin") throw new DomainError("forbidden", "Only administrators can do this");
          const result = await handler(request, session, body);
          for (const cookie of result.cookies ?? []) setCookie(ctx, reply, cookie.name, cookie.value, cookie.maxAgeSeconds);
          setFlash(ctx, reply, { kind: "done", message: result.done });
          return reply.redirect(result.to ?? backTo(ctx, request, "/"), 303);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          setFlash(ctx, reply, { kind: "error", message: error.message });
          return reply.redirect(backTo(ctx, request, "/"), 303);
        }
      });
    },
    postPage(path, handler, options = {}) {
      fastify.post(path, async (request, reply) => {
        const session = await webSession(ctx, request);
        if (!session) return signInRedirect(request, reply);
        const body = (request.body && typeof request.body === "object" ? request.body : {}) as Fields;
        try {
          assertCsrf(request, session);
          if (options.admin && session.user.role !== "admin") throw new DomainError("forbidden", "Only administrators can do this");
          return await handler(request, reply, session, body);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          setFlash(ctx, reply, { kind: "error", message: error.message });
          return reply.redirect(backTo(ctx, request, "/"), 303);
        }
      });
    },
  };
  return routes;
}
