// Writes of polls and their votes.
import { sql, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertPoll(
  db: Db,
  poll: {
    postId: string;
    options: string[];
    multiple: boolean;
    hideTotals: boolean;
    expiresAt: Date | null;
    remoteCounts?: number[] | null;
    remoteVoters?: number | null;
    closedAt?: Date | null;
  },
): Promise<void> {
  await db
    .insertInto("polls")
    .values({
      post_id: poll.postId,
      options: JSON.stringify(poll.options),
      multiple: poll.multiple,
      hide_totals: poll.hideTotals,
      expires_at: poll.expiresAt,
      closed_at: poll.closedAt ?? null,
      remote_counts: poll.remoteCounts ? JSON.stringify(poll.remoteCounts) : null,
      remote_voters: poll.remoteVoters ?? null,
    })
    .onConflict((oc) => oc.column("post_id").doNothing())
    .execute();
}

/**
 * A remote poll's new counts and end (its author's Update). The closing job
 * closes it here at that end, so our voters hear of it as for our own polls.
 */
export async function updateRemotePollCounts(db: Db, postId: string, counts: number[], voters: number | null, endsAt: Date | null): Promise<void> {
  await db
    .updateTable("polls")
    .set({ remote_counts: JSON.stringify(counts), remote_voters: voters, expires_at: endsAt })
    .where("post_id", "=", postId)
    .execute();
}

/** Records a voter's choices; answers how many were new (0 for a repeated vote). */
/** Holds the poll's row until the transaction ends, so two votes of one person are checked one after the other. */
export async function lockPoll(db: Db, postId: string): Promise<void> {
  await db.selectFrom("polls").select("post_id").where("post_id", "=", postId).forUpdate().execute();
}

export async function insertVotes(db: Db, postId: string, voterId: string, choices: number[], activityUri: (choice: number) => string | null): Promise<number> {
  if (choices.length === 0) return 0;
  const rows = await db
    .insertInto("poll_votes")
    .values(choices.map((choice) => ({ id: newId(), post_id: postId, voter_id: voterId, choice, activity_uri: activityUri(choice) })))
    .onConflict((oc) => oc.columns(["post_id", "voter_id", "choice"]).doNothing())
    .returning("id")
    .execute();
  return rows.length;
}

/** Closes a poll once; answers whether this call closed it. */
export async function closePoll(db: Db, postId: string): Promise<boolean> {
  const row = await db
    .updateTable("polls")
    .set({ closed_at: sql<Date>`now()` })
    .where("post_id", "=", postId)
    .where("closed_at", "is", null)
    .returning("post_id")
    .executeTakeFirst();
  return row !== undefined;
}
