// Plain HTML answers for browsers that open an actor URL: a profile page
// (the web interface at /u/{name} has the full one, behind sign-in).
import type { FastifyInstance } from "fastify";
import { getLocalActor } from "../services/accounts/actor.service.ts";
import type { ServiceContext } from "../services/context.ts";
import { ANONYMOUS, canSeeActor } from "../services/visibility.service.ts";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

export function registerPages(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Params: { username: string } }>("/users/:username", async (request, reply) => {
    const actor = await getLocalActor(ctx, request.params.username);
    // The page is public (no sign-in): a secret group is not there for the anonymous.
    if (!actor || actor.suspended_at || !(await canSeeActor(ctx, ANONYMOUS, actor)))
      return reply.code(404).type("text/html").send(page("Not found", "<h1>No such user</h1>"));
    const handle = `@${actor.username}@${ctx.origin.host}`;
    // The bio is stored as plain text for local users; escape everything.
    return reply
      .type("text/html; charset=utf-8")
      .send(
        page(
          `${actor.name ?? actor.username} (${handle})`,
          `<main><h1>${escapeHtml(actor.name ?? actor.username)}</h1><p>${escapeHtml(handle)}</p>${
            actor.summary ? `<p>${escapeHtml(actor.summary)}</p>` : ""
          }<p><a href="/">${escapeHtml(ctx.instanceName)}</a></p></main>`,
        ),
      );
  });
}
