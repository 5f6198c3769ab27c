// Small endpoints the pages' script uses: the composer's Markdown preview,
// @mention / #tag autocomplete, and the light/dark switch (a plain form, so
// it works without the script too).
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { renderMarkdown } from "../../services/markdown.ts";
import { searchPeople, searchTags } from "../../services/posts/search.service.ts";
import { nameOf } from "../components.ts";
import { securityHeaders, THEME_COOKIE } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import { assertCsrf, webSession } from "../session.ts";
import { DomainError } from "../../domain/errors.ts";
import { MAX_POST_CHARS } from "../../domain/post.rules.ts";

export function registerHelperPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  // What the post will look like: the same renderer and sanitiser as posting.
  fastify.post("/_preview", async (request, reply) => {
    securityHeaders(reply);
    const session = await webSession(ctx, request);
    if (!session) return reply.code(401).send({ error: "Sign in to preview" });
    try {
      assertCsrf(request, session);
    } catch (error) {
      if (error instanceof DomainError) return reply.code(403).send({ error: error.message });
      throw error;
    }
    const text = field((request.body ?? {}) as Record<string, unknown>, "content");
    if (text.length > MAX_POST_CHARS) return reply.code(422).send({ error: `A post is at most ${MAX_POST_CHARS} characters` });
    return reply.send({ html: renderMarkdown(text, ctx.origin, []) });
  });

  // Suggestions for what is being typed: "@gi" → people, "#sup" → tags in use.
  fastify.get("/_complete", async (request, reply) => {
    securityHeaders(reply);
    const session = await webSession(ctx, request);
    if (!session) return reply.code(401).send({ error: "Sign in" });
    const q = String((request.query as Record<string, unknown>).q ?? "").slice(0, 100);
    if (q.startsWith("#")) {
      const tags = await searchTags(ctx, q);
      return reply.send(tags.map((t) => ({ value: `#${t.tag}`, label: `#${t.tag} (${t.uses})` })));
    }
    if (q.replace(/^@/, "").length < 1) return reply.send([]);
    const people = await searchPeople(ctx, q);
    return reply.send(people.map((p) => ({ value: p.local ? `@${p.username}` : p.handle, label: `${nameOf(p)} ${p.local ? `@${p.username}` : p.handle}` })));
  });

  routes.action("/theme", async (_request, _session, body) => {
    const theme = field(body, "theme");
    if (theme !== "light" && theme !== "dark" && theme !== "auto") throw new DomainError("validation_failed", "Choose light, dark or auto");
    return {
      done: `${theme[0]!.toUpperCase()}${theme.slice(1)} theme.`,
      cookies: [{ name: THEME_COOKIE, value: theme, maxAgeSeconds: theme === "auto" ? 0 : 31_536_000 }],
    };
  });
}
