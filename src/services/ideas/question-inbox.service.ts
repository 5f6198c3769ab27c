// Questions and acceptances that arrive from other instances (called by
// post-inbox.service.ts when a post or an edit is stored). The wire format
// and who is believed are in docs/federation.md and ADR 0061.
import type { Transaction } from "kysely";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { findPostByUri } from "../../db/repos/post.repo.ts";
import { findQuestion, insertQuestion, setAcceptedAnswer } from "../../db/repos/question.repo.ts";
import type { ActorRow, Database, PostRow } from "../../db/schema.ts";
import { ACCEPTED_TAG, acceptedAnswerIn, QUESTION_TAG } from "../../domain/question.rules.ts";
import { stripHtml } from "../html.ts";
import { notify } from "../notification.service.ts";

async function applyAcceptance(trx: Transaction<Database>, question: PostRow, answerUri: string | null, byId: string): Promise<void> {
  if (!answerUri) return;
  // Only a reply to this very question can be its answer, whoever says otherwise.
  const answer = await findPostByUri(trx, answerUri);
  if (!answer || answer.in_reply_to_uri !== question.uri || answer.author_id === question.group_id || answer.author_id === question.author_id) return;
  if (await setAcceptedAnswer(trx, question.id, answerUri, byId)) {
    await recordOutboxEvent(trx, { type: "question.accepted", questionId: question.id, answerUri });
    await notifyAcceptedAnswer(trx, answer, byId);
  }
}

/**
 * The answer's author hears that it was accepted, on every instance that
 * records the acceptance (only a local author is notified; notify() skips
 * accepting one's own).
 */
export async function notifyAcceptedAnswer(trx: Transaction<Database>, answer: PostRow, byId: string): Promise<void> {
  await notify(trx, { recipientId: answer.author_id, type: "accepted_answer", fromId: byId, postId: answer.id });
}

/**
 * A post from elsewhere was stored: a top-level #question in a group becomes
 * a question here; a reply by the question's own group tagged
 * #acceptedanswer records a moderator's acceptance.
 */
export async function recognizeQuestionPost(
  trx: Transaction<Database>,
  stored: { id: string; inReplyToUri: string | null; groupId: string | null; tags: string[]; author: ActorRow; text: string; html: string },
): Promise<void> {
  if (!stored.groupId) return;
  if (!stored.inReplyToUri) {
    // A group with questions off keeps a #question post as an ordinary post.
    if (stored.tags.includes(QUESTION_TAG) && (await findGroupByActorId(trx, stored.groupId))?.group.questions_enabled !== false) {
      await insertQuestion(trx, stored.id, stored.groupId);
    }
    return;
  }
  if (stored.author.id !== stored.groupId || !stored.tags.includes(ACCEPTED_TAG)) return;
  const question = await findPostByUri(trx, stored.inReplyToUri);
  if (!question || question.group_id !== stored.groupId || !(await findQuestion(trx, question.id))) return;
  await applyAcceptance(trx, question, acceptedAnswerIn(stored.text, stored.html), stored.author.id);
}

/** An edit of a question by its asker may name (or change) the accepted answer. */
export async function recognizeQuestionEdit(
  trx: Transaction<Database>,
  edited: { post: PostRow; author: ActorRow; sourceText: string | null; html: string },
): Promise<void> {
  if (edited.post.author_id !== edited.author.id || !(await findQuestion(trx, edited.post.id))) return;
  await applyAcceptance(trx, edited.post, acceptedAnswerIn(edited.sourceText ?? stripHtml(edited.html), edited.html), edited.author.id);
}
