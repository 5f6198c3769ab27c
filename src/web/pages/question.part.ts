// The question part of a thread page: the accepted answer right under the
// question, "official"/"community" on each answer, and (for the asker) a
// button to accept one. Kept apart from post.page.ts so the thread page
// stays one job; styling is the web interface's.
import type { ServiceContext } from "../../services/context.ts";
import { acceptAnswer, getQuestion } from "../../services/ideas/question.service.ts";
import { actorLink } from "../components.ts";
import { html, trusted, type Html } from "../html.ts";
import { csrfField } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";

type Question = Awaited<ReturnType<typeof getQuestion>>;

/** The question this thread starts with, or null. */
export async function questionOf(ctx: ServiceContext, rootId: string, viewerId: string): Promise<Question | null> {
  return getQuestion(ctx, rootId, viewerId).catch(() => null);
}

export function acceptedAnswerBlock(question: Question): Html {
  const a = question.acceptedAnswer;
  if (!a) return html`<p class="muted question-state">${question.state === "unanswered" ? "No answer yet." : "Answered; no answer accepted yet."}</p>`;
  return html`<section class="card accepted-answer" aria-label="Accepted answer">
    <h2>✅ Accepted answer</h2>
    <p>${actorLink(a.author)} <span class="badge">${a.kind}</span></p>
    <div class="content">${trusted(a.contentHtml)}</div>
  </section>`;
}

/** Under one reply: its label, and the asker's accept button. */
export function answerControls(question: Question, replyId: string, session: WebSession): Html {
  const answer = question.answers.find((x) => x.id === replyId);
  if (!answer) return html``;
  const mayAccept = question.post.author.id === session.user.actorId && !answer.accepted;
  return html`<p class="muted answer-kind"><span class="badge">${answer.kind}</span>${answer.accepted ? " · accepted" : ""}
    ${mayAccept ? html`<form method="post" action="/p/${question.id}/accept" class="inline">${csrfField(session)}<input type="hidden" name="answer" value="${answer.id}"><button type="submit" class="link">Accept this answer</button></form>` : ""}</p>`;
}

export function registerQuestionActions(ctx: ServiceContext, routes: WebRoutes): void {
  routes.action("/p/:id/accept", async (request, session, body) => {
    await acceptAnswer(ctx, session.user.username, (request.params as { id: string }).id, field(body, "answer"));
    return { done: "Answer accepted." };
  });
}
