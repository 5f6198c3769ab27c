// Polls of many posts at once, with their counts and the viewer's own votes.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface PollFacts {
  postId: string;
  options: string[];
  multiple: boolean;
  hideTotals: boolean;
  expiresAt: Date | null;
  closedAt: Date | null;
  /** Votes per option, in order: counted here for our polls, as last sent for others'. */
  counts: number[];
  votersCount: number;
  /** The viewer's choices, or null when the viewer has not voted (or is anonymous). */
  ownVotes: number[] | null;
  isRemote: boolean;
  viewerIsAuthor: boolean;
  authorId: string;
}

export async function pollsOf(db: Db, postIds: string[], viewerId: string | null): Promise<Map<string, PollFacts>> {
  const result = new Map<string, PollFacts>();
  if (postIds.length === 0) return result;
  const polls = await db
    .selectFrom("polls")
    .innerJoin("posts", "posts.id", "polls.post_id")
    .selectAll("polls")
    .select("posts.author_id")
    .where("polls.post_id", "in", postIds)
    .execute();
  if (polls.length === 0) return result;
  const ids = polls.map((p) => p.post_id);
  const [counts, voters, own] = await Promise.all([
    db
      .selectFrom("poll_votes")
      .select(["post_id", "choice", sql<number>`count(*)::int`.as("n")])
      .where("post_id", "in", ids)
      .groupBy(["post_id", "choice"])
      .execute(),
    db
      .selectFrom("poll_votes")
      .select(["post_id", sql<number>`count(distinct voter_id)::int`.as("n")])
      .where("post_id", "in", ids)
      .groupBy("post_id")
      .execute(),
    viewerId
      ? db.selectFrom("poll_votes").select(["post_id", "choice"]).where("post_id", "in", ids).where("voter_id", "=", viewerId).execute()
      : Promise.resolve([]),
  ]);
  for (const p of polls) {
    const local = p.options.map((_, i) => counts.find((c) => c.post_id === p.post_id && c.choice === i)?.n ?? 0);
    const mine = own.filter((v) => v.post_id === p.post_id).map((v) => v.choice);
    const isRemote = p.remote_counts !== null;
    result.set(p.post_id, {
      postId: p.post_id,
      options: p.options,
      multiple: p.multiple,
      hideTotals: p.hide_totals,
      expiresAt: p.expires_at,
      closedAt: p.closed_at,
      counts: isRemote ? p.options.map((_, i) => p.remote_counts![i] ?? 0) : local,
      votersCount: isRemote ? (p.remote_voters ?? 0) : (voters.find((v) => v.post_id === p.post_id)?.n ?? 0),
      ownVotes: mine.length > 0 ? mine.sort((x, y) => x - y) : null,
      isRemote,
      viewerIsAuthor: viewerId !== null && viewerId === p.author_id,
      authorId: p.author_id,
    });
  }
  return result;
}

/** Open polls whose time is up (the expiry job closes them). */
export async function duePolls(db: Db, now: Date, limit = 50): Promise<Array<{ post_id: string }>> {
  return db.selectFrom("polls").select("post_id").where("closed_at", "is", null).where("expires_at", "<=", now).orderBy("expires_at").limit(limit).execute();
}

/** Everyone who voted in a poll. */
export async function pollVoterIds(db: Db, postId: string): Promise<string[]> {
  const rows = await db.selectFrom("poll_votes").select("voter_id").distinct().where("post_id", "=", postId).execute();
  return rows.map((r) => r.voter_id);
}
