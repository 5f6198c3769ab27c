// Polls as Mastodon has them: 2–4 options of up to 50 characters, open for
// 5 minutes to a month, one choice or several; a vote is final; totals may be
// hidden until the poll ends.
import { validationFailed } from "./errors.ts";

export const POLL_LIMITS = { maxOptions: 4, maxCharactersPerOption: 50, minExpiration: 300, maxExpiration: 2_629_746 } as const;

export interface NewPoll {
  options: string[];
  expiresInSeconds: number;
  multiple: boolean;
  hideTotals: boolean;
}

export interface PollState {
  options: string[];
  multiple: boolean;
  expiresAt: Date | null;
  closedAt: Date | null;
}

export function checkNewPoll(poll: NewPoll): void {
  const options = poll.options.map((o) => o.trim());
  if (options.length < 2 || options.length > POLL_LIMITS.maxOptions) {
    throw validationFailed(`Validation failed: A poll needs 2 to ${POLL_LIMITS.maxOptions} options`);
  }
  if (options.some((o) => o.length === 0)) throw validationFailed("Validation failed: Poll options can't be blank");
  if (options.some((o) => o.length > POLL_LIMITS.maxCharactersPerOption)) {
    throw validationFailed(`Validation failed: Poll options are at most ${POLL_LIMITS.maxCharactersPerOption} characters`);
  }
  if (new Set(options).size !== options.length) throw validationFailed("Validation failed: Poll options must be different");
  if (!Number.isInteger(poll.expiresInSeconds) || poll.expiresInSeconds < POLL_LIMITS.minExpiration || poll.expiresInSeconds > POLL_LIMITS.maxExpiration) {
    throw validationFailed(
      `Validation failed: poll[expires_in] must be a whole number of seconds from ${POLL_LIMITS.minExpiration} (5 minutes) to ${POLL_LIMITS.maxExpiration} (a month)`,
    );
  }
}

export function isPollExpired(poll: Pick<PollState, "expiresAt" | "closedAt">, now = new Date()): boolean {
  return poll.closedAt !== null || (poll.expiresAt !== null && poll.expiresAt.getTime() <= now.getTime());
}

/** The option indexes of a vote, checked as Mastodon checks them (messages an app can show). */
export function checkVote(poll: PollState, vote: { choices: number[]; byAuthor: boolean; alreadyVoted: boolean }, now = new Date()): number[] {
  if (vote.byAuthor) throw validationFailed("Validation failed: You cannot vote in your own poll");
  if (isPollExpired(poll, now)) throw validationFailed("Validation failed: The poll has already ended");
  if (vote.alreadyVoted) throw validationFailed("Validation failed: You have already voted on this poll");
  const choices = [...new Set(vote.choices)];
  if (choices.length === 0) throw validationFailed("Validation failed: Choose at least one option (choices[])");
  if (choices.some((c) => !Number.isInteger(c) || c < 0 || c >= poll.options.length)) {
    throw validationFailed(`Validation failed: choices[] are option numbers from 0 to ${poll.options.length - 1}`);
  }
  if (!poll.multiple && choices.length > 1) throw validationFailed("Validation failed: This poll takes one choice");
  return choices;
}

/** Totals are hidden from voters until the end when the author asked for it; the author always sees them. */
export function showsTotals(poll: { hideTotals: boolean } & Pick<PollState, "expiresAt" | "closedAt">, viewerIsAuthor: boolean, now = new Date()): boolean {
  return !poll.hideTotals || viewerIsAuthor || isPollExpired(poll, now);
}
