// Polls: reading one, voting here or from another server (a vote is a
// Create(Note) whose `name` is the option, addressed to the poll's author),
// new counts from a remote poll's author, and closing polls whose time is up.
import { duePolls, pollVoterIds, pollsOf } from "../../db/queries/poll.queries.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { closePoll, insertVotes, lockPoll } from "../../db/repos/poll.repo.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import type { ActorRow, PostRow } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";
import { checkVote, isPollExpired } from "../../domain/poll.rules.ts";
import { commitAndWake as commit } from "../commit.ts";
import type { ServiceContext } from "../context.ts";
import { applyOnce, type IncomingActivity } from "../incoming.ts";
import { notify, notifyOwner } from "../notification.service.ts";
import { getPostEntries, type PostEntry } from "./timeline.service.ts";
import { canSeePost, viewerOf } from "../visibility.service.ts";

/** The post of a poll the viewer may see (a poll's id is its post's id). */
export async function getPollEntry(
  ctx: ServiceContext,
  viewerId: string | null,
  pollId: string,
): Promise<PostEntry & { poll: NonNullable<PostEntry["poll"]> }> {
  const [entry] = await getPostEntries(ctx, viewerId, [pollId]);
  if (!entry?.poll) throw notFound("Record not found");
  return entry as PostEntry & { poll: NonNullable<PostEntry["poll"]> };
}

export async function isPollPost(ctx: ServiceContext, postId: string): Promise<boolean> {
  return (await pollsOf(ctx.db, [postId], null)).has(postId);
}

/** A local person votes; our poll counts it at once, another server's is told by a Create(Note) per choice. */
export async function votePoll(ctx: ServiceContext, voterId: string, pollId: string, choices: number[]): Promise<void> {
  const { poll, post } = await getPollEntry(ctx, voterId, pollId);
  const picked = checkVote(poll, { choices, byAuthor: poll.authorId === voterId, alreadyVoted: poll.ownVotes !== null });
  const voter = (await findActorById(ctx.db, voterId))!;
  await commit(ctx, async (trx) => {
    // Checked again under the poll's lock: two votes sent at once must not both count.
    await lockPoll(trx, post.id);
    const current = (await pollsOf(trx, [post.id], voterId)).get(post.id)!;
    checkVote(current, { choices, byAuthor: false, alreadyVoted: current.ownVotes !== null });
    await insertVotes(trx, post.id, voterId, picked, (choice) => `${voter.uri}#votes/${post.id}/${choice}`);
    await recordOutboxEvent(trx, poll.isRemote ? { type: "poll.voted", postId: post.id, voterId, choices: picked } : { type: "poll.updated", postId: post.id });
  });
}

/**
 * A vote from another server for one of our polls: counted once per actor
 * (once per option in a multiple-choice poll), only from someone who may see
 * the post, only while it is open, only for an option it has.
 */
export async function receiveVote(
  ctx: ServiceContext,
  activity: IncomingActivity,
  voter: ActorRow,
  post: PostRow,
  optionName: string,
): Promise<"counted" | "ignored"> {
  if (!post.is_local || !(await canSeePost(ctx, viewerOf(voter.id), post))) return "ignored";
  // Recorded as applied even when refused: a repeated delivery is answered the same way, once.
  const result = await applyOnce(ctx, activity, async (trx) => {
    await lockPoll(trx, post.id);
    const poll = (await pollsOf(trx, [post.id], voter.id)).get(post.id);
    if (!poll || poll.authorId === voter.id || isPollExpired(poll)) return false;
    const choice = poll.options.indexOf(optionName.trim());
    if (choice < 0 || (!poll.multiple && poll.ownVotes !== null)) return false;
    const counted = (await insertVotes(trx, post.id, voter.id, [choice], () => activity.uri)) > 0;
    if (counted) await recordOutboxEvent(trx, { type: "poll.updated", postId: post.id });
    return counted;
  });
  if (!result.applied || !result.value) return "ignored";
  ctx.onOutboxEvent?.();
  return "counted";
}

/** Closes the polls whose time is up: voters and the author get a `poll` notification; our own polls send their final counts. */
export async function closeDuePolls(ctx: ServiceContext, now = new Date()): Promise<number> {
  let closed = 0;
  for (const { post_id } of await duePolls(ctx.db, now)) {
    const post = await findPostById(ctx.db, post_id);
    if (!post) continue;
    const voters = await pollVoterIds(ctx.db, post_id);
    await commit(ctx, async (trx) => {
      if (!(await closePoll(trx, post_id))) return;
      closed++;
      for (const voterId of voters) await notify(trx, { recipientId: voterId, type: "poll", fromId: post.author_id, postId: post.id });
      // The author hears of their own poll's end too (notify() skips notifications to oneself).
      await notifyOwner(trx, { recipientId: post.author_id, type: "poll", postId: post.id });
      if (post.is_local) await recordOutboxEvent(trx, { type: "poll.updated", postId: post.id });
    });
  }
  return closed;
}
