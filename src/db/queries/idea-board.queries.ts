// An idea board, one page at a time: ideas ranked by their stored score
// (counted votes, or `rising` for momentum; migration 0099), a keyset cursor
// on (score, id) and LIMIT n+1 (ADR 0056, ADR 0116). Filters (status, search)
// are part of the query, so a page is full of ideas that match.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type IdeaSort = "top" | "momentum";

export interface IdeaBoardCursor {
  score: number;
  id: string;
}

export async function ideaBoardRows(
  db: Db,
  groupId: string,
  options: { sort: IdeaSort; status?: string | undefined; search?: string | undefined; after?: IdeaBoardCursor | undefined; limit: number },
) {
  const score = options.sort === "momentum" ? "ideas.rising" : "ideas.votes";
  let query = db
    .selectFrom("ideas")
    .innerJoin("posts", "posts.id", "ideas.post_id")
    .select([
      "ideas.post_id",
      "ideas.status",
      "ideas.status_reason",
      "ideas.votes",
      "ideas.rising",
      "posts.title",
      "posts.visibility",
      "posts.author_id",
      "posts.group_id",
    ])
    .where("ideas.group_id", "=", groupId);
  if (options.status) query = query.where("ideas.status", "=", options.status);
  if (options.search) {
    const pattern = `%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("posts.title", "ilike", pattern), eb("posts.content_html", "ilike", pattern)]));
  }
  const after = options.after;
  if (after) {
    query = query.where((eb) => eb.or([eb(score, "<", after.score), eb.and([eb(score, "=", after.score), eb("ideas.post_id", "<", after.id)])]));
  }
  return query.orderBy(score, "desc").orderBy("ideas.post_id", "desc").limit(options.limit).execute();
}
