// While a member writes a question in a group, answered questions like it
// are suggested under the composer (issue 16): the group page's script asks
// this fragment as they type. The question service finds them (full-text
// search, within what the viewer may read of the group); this file only
// shows them.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { similarAnsweredQuestions, type QuestionView } from "../../services/ideas/question.service.ts";
import { DomainError } from "../../domain/errors.ts";
import { plural } from "../components.ts";
import { html, type Html } from "../html.ts";
import { securityHeaders, sendFragment } from "../layout.ts";
import { webSession } from "../session.ts";

/** Enough words to search for; fewer would suggest everything. */
const MIN_CHARS = 12;

/** What the question asks, in one line: its title, or the start of its text without the tags. */
function gist(q: QuestionView): string {
  const text = q.post.title ?? (q.post.sourceText ?? "").replace(/(^|\s)#[\w-]+/g, " ");
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

function suggestion(q: QuestionView): Html {
  const state = q.acceptedAnswer ? "answer accepted" : plural(q.answerCount, "answer", "answers");
  return html`<li><a href="/p/${q.id}">${gist(q) || "A question"}</a> <span class="badge${q.acceptedAnswer ? " accepted" : ""}">${state}</span></li>`;
}

/** Where the suggestions appear under a group's composer; a live region, so a screen reader hears them arrive. */
export function similarQuestionsBox(ref: string, composerId: string): Html {
  return html`<div class="similar-questions" data-similar="/g/${encodeURIComponent(ref)}/_similar-questions" data-similar-for="${composerId}" aria-live="polite" hidden></div>`;
}

export function registerSimilarQuestions(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/g/:ref/_similar-questions", async (request, reply) => {
    securityHeaders(reply);
    const session = await webSession(ctx, request);
    if (!session) return reply.code(401).type("text/plain").send("Sign in to see similar questions");
    const q = String((request.query as Record<string, unknown>).q ?? "").slice(0, 500);
    if (q.trim().length < MIN_CHARS) return sendFragment(ctx, reply, []);
    let found: QuestionView[];
    try {
      found = await similarAnsweredQuestions(ctx, (request.params as { ref: string }).ref, session.user.actorId, q);
    } catch (error) {
      // Not a group this person may read: nothing to suggest, and nothing said about it.
      if (error instanceof DomainError) return reply.code(404).type("text/plain").send("No such group");
      throw error;
    }
    if (found.length === 0) return sendFragment(ctx, reply, []);
    return sendFragment(ctx, reply, [
      html`<h2>Already answered here</h2><p class="help">Similar questions in this group; one of them may answer yours.</p><ul>${found.map(suggestion)}</ul>`,
    ]);
  });
}
