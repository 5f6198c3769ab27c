// Questions and answers in groups. A question is a group post tagged
// #question; its answers are the replies to it. The asker or a moderator
// accepts one answer (and may change it later):
//  - the asker edits the question, which then names the accepted answer, so
//    Mastodon and Lemmy show the acceptance as an edit;
//  - a moderator, on the group's home instance, has the group reply with the
//    accepted answer (the group cannot edit someone else's post).
// Other instances read the acceptance from either (question-inbox.service.ts), so
// every Ecotone instance shows the same accepted answer.
import type { Kysely, Transaction } from "kysely";
import { escalationOfPost } from "../../db/repos/escalation.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findTaskById } from "../../db/repos/task.repo.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { insertQuestion, setAcceptedAnswer } from "../../db/repos/question.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { hydrate } from "../../db/queries/post.queries.ts";
import {
  getQuestionRow,
  listAnswerPosts,
  listExperts,
  listGroupQuestions,
  postsByUris,
  similarQuestions,
  type QuestionRow,
} from "../../db/queries/question.queries.ts";
import type { ActorRow, Database, PostRow } from "../../db/schema.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { assertCanPost, isModerator } from "../../domain/group.rules.ts";
import {
  ACCEPTED_LINE_PREFIX,
  ACCEPTED_TAG,
  answerKind,
  assertCanAccept,
  assertQuestionsEnabled,
  QUESTION_TAG,
  questionState,
  withAcceptedLine,
  type QuestionState,
} from "../../domain/question.rules.ts";
import { requireLocalUserActor, toActorView, type ActorView } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { externalRefOf, externalRefsOf, linkExternalRef, type ExternalRef } from "../apps/external-ref.service.ts";
import { findGroup, findGroupWithReadableContent, membershipOf } from "../groups/group.service.ts";
import { filterVisiblePosts, viewerOf } from "../visibility.service.ts";
import { stripHtml } from "../html.ts";
import { canViewPost, createGroupReply, createPost, editPost, toPostView, type NewPostInput, type PostView } from "../posts/post.service.ts";
import { reputationLevels } from "../insights/reputation.service.ts";
import { notifyAcceptedAnswer } from "./question-inbox.service.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface AnswerView {
  id: string;
  uri: string;
  url: string | null;
  author: ActorView;
  contentHtml: string;
  publishedAt: string;
  /** "official" from the group's host organization (its home instance), else "community". */
  kind: "official" | "community";
  accepted: boolean;
}

export interface QuestionView {
  id: string;
  uri: string;
  state: QuestionState;
  answerCount: number;
  acceptedAnswer: AnswerView | null;
  acceptedAt: string | null;
  post: PostView;
  externalRef: ExternalRef | null;
}

const POST_ID = /^\d{19}$/;

async function findPostByRef(db: Db, ref: string): Promise<PostRow | undefined> {
  return POST_ID.test(ref) ? findPostById(db, ref) : findPostByUri(db, ref);
}

/** Answers as the API shows them, hydrated in one batch. */
async function toAnswerViews(
  ctx: ServiceContext,
  posts: PostRow[],
  groupUriOf: (answer: PostRow) => string | undefined,
  acceptedUris: Set<string>,
  viewerId: string | null,
): Promise<AnswerView[]> {
  const views: AnswerView[] = [];
  const visible = await filterVisiblePosts(ctx, viewerOf(viewerId), posts, (p) => p);
  for (const entry of await hydrate(ctx.db, visible, viewerId)) {
    const groupUri = groupUriOf(entry.post);
    if (!groupUri) continue;
    views.push({
      id: entry.post.id,
      uri: entry.post.uri,
      url: entry.post.url,
      author: toActorView(entry.author),
      contentHtml: entry.post.content_html,
      publishedAt: entry.post.published_at.toISOString(),
      kind: answerKind(entry.author.uri, groupUri),
      accepted: acceptedUris.has(entry.post.uri),
    });
  }
  return views;
}

async function answerViews(ctx: ServiceContext, question: QuestionRow, group: ActorRow, viewerId: string | null): Promise<AnswerView[]> {
  // The asker's follow-ups, the group's notes and direct replies (a private word, not a post in the
  // group) stay in the thread but are not answers: the same rule as the answer count's.
  const replies = (await listAnswerPosts(ctx.db, question.post.uri)).filter(
    (p) => p.group_id === group.id && p.author_id !== group.id && p.author_id !== question.post.author_id,
  );
  return toAnswerViews(ctx, replies, () => group.uri, new Set(question.acceptedAnswerUri ? [question.acceptedAnswerUri] : []), viewerId);
}

async function toQuestionViews(ctx: ServiceContext, rows: QuestionRow[], viewerId: string | null): Promise<QuestionView[]> {
  const visible = await filterVisiblePosts(ctx, viewerOf(viewerId), rows, (r) => r.post);
  const entries = await hydrate(
    ctx.db,
    visible.map((r) => r.post),
    viewerId,
  );
  // Every list's accepted answers and external references in one go, not one query per question.
  const groupUriByAnswer = new Map<string, string>();
  visible.forEach((row, i) => {
    const groupUri = entries[i]!.group?.uri;
    if (row.acceptedAnswerUri && groupUri) groupUriByAnswer.set(row.acceptedAnswerUri, groupUri);
  });
  const acceptedPosts = await postsByUris(ctx.db, [...groupUriByAnswer.keys()]);
  const accepted = new Map(
    (await toAnswerViews(ctx, acceptedPosts, (p) => groupUriByAnswer.get(p.uri), new Set(groupUriByAnswer.keys()), viewerId)).map((a) => [a.uri, a]),
  );
  const refs = await externalRefsOf(
    ctx.db,
    "post",
    visible.map((r) => r.post.id),
  );
  return visible.map((row, i) => {
    const answer = row.acceptedAnswerUri ? accepted.get(row.acceptedAnswerUri) : undefined;
    return {
      id: row.post.id,
      uri: row.post.uri,
      state: questionState(row.answerCount, answer ? row.acceptedAnswerUri : null),
      answerCount: row.answerCount,
      acceptedAnswer: answer ?? null,
      acceptedAt: answer ? (row.acceptedAt?.toISOString() ?? null) : null,
      post: toPostView(entries[i]!),
      externalRef: refs.get(row.post.id) ?? null,
    };
  });
}

async function requireQuestion(ctx: ServiceContext, postId: string, viewerId: string | null) {
  const row = await getQuestionRow(ctx.db, postId);
  if (!row || !(await canViewPost(ctx, row.post, viewerId))) throw notFound(`No question ${postId}`);
  const group = (await findGroupByActorId(ctx.db, row.post.group_id!))!;
  return { row, group };
}

export async function askQuestion(
  ctx: ServiceContext,
  username: string,
  input: {
    group: string | undefined;
    content: string;
    title?: string | undefined;
    externalRef?: ExternalRef | undefined;
    /** What the web composer adds: images, a content warning, Markdown. */
    extras?: Pick<NewPostInput, "summary" | "sensitive" | "mediaIds" | "format"> | undefined;
  },
): Promise<QuestionView> {
  if (!input.group) throw validationFailed('A question is asked in a group: send "group"', { field: "group" });
  // Checked before the #question tag is added, which would make any text non-empty.
  if (!input.content.trim()) throw validationFailed("A question needs some text", { field: "content" });
  const user = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, input.group, user.id);
  assertCanPost(await membershipOf(ctx, group.actor.id, user.id));
  assertQuestionsEnabled(group.group.questions_enabled);
  // The #question tag tells other servers (and people on Mastodon) what this is.
  const content = /(^|\s)#question\b/i.test(input.content) ? input.content : `${input.content.trim()}\n\n#${QUESTION_TAG}`;
  const post = await createPost(ctx, username, { ...input.extras, group: group.actor.id, content, title: input.title }, async (trx, postId) => {
    await insertQuestion(trx, postId, group.actor.id);
    if (input.externalRef) await linkExternalRef(trx, "post", postId, input.externalRef);
  });
  return getQuestion(ctx, post.id, user.id);
}

export async function getQuestion(ctx: ServiceContext, postId: string, viewerId: string | null): Promise<QuestionView & { answers: AnswerView[] }> {
  const { row, group } = await requireQuestion(ctx, postId, viewerId);
  const [view] = await toQuestionViews(ctx, [row], viewerId);
  return { ...view!, answers: await answerViews(ctx, row, group.actor, viewerId) };
}

export async function groupQuestions(
  ctx: ServiceContext,
  groupRef: string,
  viewerId: string | null,
  options: { state: QuestionState | null; cursor: string | null; limit?: number },
) {
  const group = await findGroup(ctx, groupRef, viewerId);
  const limit = options.limit ?? 20;
  const rows = await listGroupQuestions(ctx.db, group.actor.id, { state: options.state, cursor: options.cursor, limit });
  return { items: await toQuestionViews(ctx, rows, viewerId), nextCursor: rows.length === limit ? rows.at(-1)!.post.id : null };
}

/** Answered questions like the one being written, best match first. */
export async function similarAnsweredQuestions(ctx: ServiceContext, groupRef: string, viewerId: string | null, text: string) {
  if (text.trim().length < 3) throw validationFailed("Send at least a few words in q", { field: "q" });
  const group = await findGroup(ctx, groupRef, viewerId);
  return toQuestionViews(ctx, await similarQuestions(ctx.db, group.actor.id, text.slice(0, 500), 5), viewerId);
}

/**
 * The people whose answers were accepted most, optionally for questions with a tag. Each acceptance earns 10 points;
 * `level` is their reputation level in the group, to which accepted answers count too (docs/insights.md).
 */
export async function groupExperts(ctx: ServiceContext, groupRef: string, viewerId: string | null, tag: string | null) {
  const group = await findGroupWithReadableContent(ctx, groupRef, viewerId);
  const rows = await listExperts(ctx.db, group.actor.id, tag?.replace(/^#/, "").toLowerCase() || null, 20);
  const levels = await reputationLevels(
    ctx,
    rows.map((r) => r.actor.id),
    group.actor.id,
  );
  return rows.map((r) => ({
    actor: toActorView(r.actor),
    acceptedAnswers: r.acceptedAnswers,
    reputation: r.acceptedAnswers * 10,
    level: levels.get(r.actor.id),
  }));
}

export async function acceptAnswer(ctx: ServiceContext, username: string, questionId: string, answerRef: unknown) {
  if (typeof answerRef !== "string" || !answerRef) throw validationFailed('Send {"answer": "<post id or URI of a reply>"}', { field: "answer" });
  const user = await requireLocalUserActor(ctx, username);
  const { row, group } = await requireQuestion(ctx, questionId, user.id);
  const answer = await findPostByRef(ctx.db, answerRef);
  // The answer is a post in the question's group: a direct or followers-only reply is a private word,
  // not something to credit, show as the answer, or send to the group's webhooks.
  const isAnswer =
    answer &&
    answer.in_reply_to_uri === row.post.uri &&
    answer.group_id === group.actor.id &&
    answer.author_id !== group.actor.id &&
    answer.author_id !== row.post.author_id;
  if (!answer || !isAnswer || !(await canViewPost(ctx, answer, user.id))) {
    throw validationFailed("The answer must be someone else's reply to this question, in its group (not a direct reply)", { field: "answer" });
  }
  const isAsker = row.post.author_id === user.id;
  assertCanAccept({
    isAsker,
    isModerator: isModerator(await membershipOf(ctx, group.actor.id, user.id)),
    groupIsLocal: group.actor.is_local,
    groupHost: group.actor.domain,
  });
  if (row.acceptedAnswerUri === answer.uri) return getQuestion(ctx, questionId, user.id);
  const record = async (trx: Transaction<Database>) => {
    await setAcceptedAnswer(trx, row.post.id, answer.uri, user.id);
    await recordOutboxEvent(trx, { type: "question.accepted", questionId: row.post.id, answerUri: answer.uri });
    await notifyAcceptedAnswer(trx, answer, user.id);
  };
  if (isAsker) {
    const text = withAcceptedLine(row.post.source_text ?? stripHtml(row.post.content_html), answer.uri);
    await editPost(ctx, username, row.post.id, { content: text }, record);
  } else {
    const asker = await findActorById(ctx.db, row.post.author_id);
    const answerer = await findActorById(ctx.db, answer.author_id);
    await createGroupReply(
      ctx,
      group.actor,
      {
        inReplyTo: row.post,
        content: `${ACCEPTED_LINE_PREFIX} ${answer.uri}\n\n#${ACCEPTED_TAG}`,
        mentionUris: [...new Set([asker?.uri, answerer?.uri].filter((u): u is string => Boolean(u)))],
        tags: [ACCEPTED_TAG],
      },
      record,
    );
  }
  return getQuestion(ctx, questionId, user.id);
}

/** A post as the Ecotone API returns it: with its kind, external reference and, for a question, its answer state. */
export async function postWithKind(ctx: ServiceContext, post: PostView, viewerId: string | null) {
  const row = await getQuestionRow(ctx.db, post.id);
  const externalRef = await externalRefOf(ctx.db, "post", post.id);
  const escalation = await escalationOfPost(ctx.db, post.id);
  const task = escalation ? await findTaskById(ctx.db, escalation.task_id) : undefined;
  const escalatedTo = task ? { taskId: task.id, taskUri: task.uri } : null;
  if (!row) return { ...post, kind: "post" as const, externalRef, escalatedTo };
  const [view] = await toQuestionViews(ctx, [row], viewerId);
  return {
    ...post,
    kind: "question" as const,
    externalRef,
    escalatedTo,
    question: view ? { state: view.state, answerCount: view.answerCount, acceptedAnswer: view.acceptedAnswer } : null,
  };
}
