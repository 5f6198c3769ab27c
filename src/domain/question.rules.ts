// Questions and answers: how a question and its acceptance look on the wire,
// which answers are "official", and who may accept one.
import { forbidden, validationFailed } from "./errors.ts";

/** The hashtag that marks a post as a question on the wire (Mastodon shows it as #question). */
export const QUESTION_TAG = "question";
/** A group's reply that records a moderator's acceptance carries this tag. */
export const ACCEPTED_TAG = "acceptedanswer";
/** The line that names the accepted answer, in the question (asker) or the group's reply (moderator). */
export const ACCEPTED_LINE_PREFIX = "✅ Accepted answer:";

/** Questions are asked only in groups whose moderators have them on (issue 16). */
export function assertQuestionsEnabled(enabled: boolean): void {
  if (!enabled) {
    throw forbidden("This group does not take questions: post it as an ordinary post, or ask the group's moderators to turn questions on");
  }
}

export const QUESTION_STATES = ["unanswered", "answered", "accepted"] as const;
export type QuestionState = (typeof QUESTION_STATES)[number];

export function parseQuestionState(raw: string | undefined): QuestionState | null {
  if (raw === undefined || raw === "") return null;
  if ((QUESTION_STATES as readonly string[]).includes(raw)) return raw as QuestionState;
  throw validationFailed(`state must be one of ${QUESTION_STATES.join(", ")}`, { field: "state" });
}

export function questionState(answerCount: number, acceptedAnswerUri: string | null): QuestionState {
  if (acceptedAnswerUri) return "accepted";
  return answerCount > 0 ? "answered" : "unanswered";
}

/**
 * An answer is "official" when its author is on the group's home instance:
 * the host organization runs that instance. Decided from URIs alone, so every
 * instance reaches the same verdict.
 */
export function answerKind(authorUri: string, groupUri: string): "official" | "community" {
  return new URL(authorUri).origin === new URL(groupUri).origin ? "official" : "community";
}

/** The question's text with its acceptance line set to `answerUri` (replacing an earlier one). */
export function withAcceptedLine(text: string, answerUri: string): string {
  const kept = text
    .split("\n")
    .filter((line) => !line.trim().startsWith(ACCEPTED_LINE_PREFIX))
    .join("\n")
    .trimEnd();
  return `${kept}\n\n${ACCEPTED_LINE_PREFIX} ${answerUri}`;
}

const ESCAPED_PREFIX = ACCEPTED_LINE_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The answer a text names as accepted (the last such line wins), or null.
 * Plain text first (Ecotone sends its source); in HTML the link's href
 * counts, as Mastodon shortens the visible text of long links.
 */
export function acceptedAnswerIn(text: string | null, html?: string | null): string | null {
  const fromText = text ? [...text.matchAll(new RegExp(`${ESCAPED_PREFIX}\\s*(https?://[^\\s<>"]+)`, "gu"))].at(-1)?.[1] : undefined;
  const fromHtml = html ? [...html.matchAll(new RegExp(`${ESCAPED_PREFIX}[^<]*<a[^>]*href="(https?://[^"]+)"`, "gu"))].at(-1)?.[1] : undefined;
  const last = fromText ?? fromHtml;
  if (!last) return null;
  try {
    return new URL(last).href;
  } catch {
    return null;
  }
}

/** The asker accepts on their own instance; moderators on the group's home. */
export function assertCanAccept(facts: { isAsker: boolean; isModerator: boolean; groupIsLocal: boolean; groupHost: string }): void {
  if (facts.isAsker) return;
  if (facts.isModerator && facts.groupIsLocal) return;
  if (facts.isModerator) throw forbidden(`Moderators accept answers on the group's home instance, ${facts.groupHost}`);
  throw forbidden("Only the person who asked, or a moderator of the group, can accept an answer");
}
