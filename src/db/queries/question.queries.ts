// Reads for questions and answers: a group's questions with their answer
// counts, the answers of one question, similar answered questions (full-text
// search that works the same on PGlite and PostgreSQL) and experts by tag.
import { sql, type Kysely, type Transaction } from "kysely";
import type { QuestionState } from "../../domain/question.rules.ts";
import type { ActorRow, Database, PostRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface QuestionRow {
  post: PostRow;
  acceptedAnswerUri: string | null;
  acceptedAt: Date | null;
  answerCount: number;
}

/** Answers are replies in the question's group (a direct reply is a private word), except the asker's own and the group's (an acceptance note). */
function answerCount(_db: Db) {
  return sql<number>`(select count(*)::int from posts a
    where a.in_reply_to_uri = posts.uri and a.group_id = questions.group_id and a.author_id <> posts.author_id and a.author_id <> questions.group_id)`;
}

/** The accepted answer, if it still exists (a deleted answer leaves the question unaccepted). */
const ACCEPTED = sql<string | null>`(select a.uri from posts a where a.uri = questions.accepted_answer_uri)`;

function questionsQuery(db: Db) {
  return db
    .selectFrom("questions")
    .innerJoin("posts", "posts.id", "questions.post_id")
    .selectAll("posts")
    .select(ACCEPTED.as("accepted_answer_uri"))
    .select("questions.accepted_at")
    .select(answerCount(db).as("answer_count"))
    .$narrowType<{ answer_count: number }>();
}

type Joined = PostRow & { accepted_answer_uri: string | null; accepted_at: Date | null; answer_count: number | null };

function toRow(r: Joined): QuestionRow {
  const { accepted_answer_uri, accepted_at, answer_count, ...post } = r;
  return { post: post as PostRow, acceptedAnswerUri: accepted_answer_uri, acceptedAt: accepted_at, answerCount: Number(answer_count ?? 0) };
}

export async function listGroupQuestions(
  db: Db,
  groupId: string,
  options: { state: QuestionState | null; cursor: string | null; limit: number },
): Promise<QuestionRow[]> {
  let query = questionsQuery(db).where("questions.group_id", "=", groupId).orderBy("posts.id", "desc").limit(options.limit);
  if (options.cursor) query = query.where("posts.id", "<", options.cursor);
  if (options.state === "accepted") query = query.where(ACCEPTED, "is not", null);
  if (options.state === "answered") query = query.where(ACCEPTED, "is", null).where(answerCount(db), ">", 0);
  if (options.state === "unanswered") query = query.where(ACCEPTED, "is", null).where(answerCount(db), "=", 0);
  return (await query.execute()).map((r) => toRow(r as Joined));
}

export async function getQuestionRow(db: Db, postId: string): Promise<QuestionRow | undefined> {
  const row = await questionsQuery(db).where("questions.post_id", "=", postId).executeTakeFirst();
  return row ? toRow(row as Joined) : undefined;
}

/** The question a post answers (it replies to one directly), if any. */
export async function questionAnsweredBy(db: Db, answer: PostRow) {
  if (!answer.in_reply_to_uri) return undefined;
  return db
    .selectFrom("questions")
    .innerJoin("posts", "posts.id", "questions.post_id")
    .select(["questions.post_id", "questions.group_id", "posts.author_id", "posts.uri"])
    .where("posts.uri", "=", answer.in_reply_to_uri)
    .executeTakeFirst();
}

export async function postsByUris(db: Db, uris: string[]): Promise<PostRow[]> {
  if (uris.length === 0) return [];
  return db.selectFrom("posts").selectAll().where("uri", "in", uris).execute();
}

/** Direct replies to a question, oldest first. */
export async function listAnswerPosts(db: Db, questionUri: string): Promise<PostRow[]> {
  return db.selectFrom("posts").selectAll().where("in_reply_to_uri", "=", questionUri).orderBy("published_at").orderBy("id").execute();
}

/** The words of a search, as an OR query: a question shares some words with similar ones, rarely all. */
export function orQuery(text: string): string | null {
  const words = [...new Set((text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? []).slice(0, 24))];
  return words.length ? words.map((w) => `'${w.replace(/'/g, "")}'`).join(" | ") : null;
}

/** Answered (or accepted) questions of a group ranked by full-text similarity to `text`. */
export async function similarQuestions(db: Db, groupId: string, text: string, limit: number): Promise<QuestionRow[]> {
  const query = orQuery(text);
  if (!query) return [];
  const doc = sql`to_tsvector('english', coalesce(posts.title, '') || ' ' || coalesce(posts.source_text, posts.content_html))`;
  const tsq = sql`to_tsquery('english', ${query})`;
  const rows = await questionsQuery(db)
    .select(sql<number>`ts_rank(${doc}, ${tsq})`.as("rank"))
    .where("questions.group_id", "=", groupId)
    .where(sql<boolean>`${doc} @@ ${tsq}`)
    .where((eb) => eb.or([eb(ACCEPTED, "is not", null), eb(answerCount(db), ">", 0)]))
    .orderBy("rank", "desc")
    .orderBy("posts.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => toRow(r as unknown as Joined));
}

export interface ExpertRow {
  actor: ActorRow;
  acceptedAnswers: number;
}

/** Authors of accepted answers in a group (to questions with `tag`, when given), most first. */
export async function listExperts(db: Db, groupId: string, tag: string | null, limit: number): Promise<ExpertRow[]> {
  let query = db
    .selectFrom("questions")
    .innerJoin("posts as answer", "answer.uri", "questions.accepted_answer_uri")
    .select(["answer.author_id", sql<number>`count(*)::int`.as("n")])
    .where("questions.group_id", "=", groupId)
    .groupBy("answer.author_id")
    .orderBy("n", "desc")
    .orderBy("answer.author_id")
    .limit(limit);
  if (tag) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom("post_tags").select("post_tags.tag").whereRef("post_tags.post_id", "=", "questions.post_id").where("post_tags.tag", "=", tag)),
    );
  }
  const counts = await query.execute();
  if (counts.length === 0) return [];
  const actors = await db
    .selectFrom("actors")
    .selectAll()
    .where(
      "id",
      "in",
      counts.map((c) => c.author_id),
    )
    .execute();
  const byId = new Map(actors.map((a) => [a.id, a]));
  return counts.filter((c) => byId.has(c.author_id)).map((c) => ({ actor: byId.get(c.author_id)!, acceptedAnswers: Number(c.n) }));
}
