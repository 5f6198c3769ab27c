// The Poll entity (docs.joinmastodon.org/entities/Poll).
import type { PollFacts } from "../../db/queries/poll.queries.ts";
import { isPollExpired, showsTotals } from "../../domain/poll.rules.ts";

export interface MastodonPoll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: Array<{ title: string; votes_count: number | null }>;
  emojis: never[];
  voted: boolean;
  own_votes: number[];
}

export function toMastodonPoll(poll: PollFacts): MastodonPoll {
  const totals = showsTotals(poll, poll.viewerIsAuthor);
  return {
    id: poll.postId,
    expires_at: poll.expiresAt?.toISOString() ?? null,
    expired: isPollExpired(poll),
    multiple: poll.multiple,
    votes_count: poll.counts.reduce((sum, n) => sum + n, 0),
    // Mastodon gives voters_count for multiple-choice polls (for one choice it equals votes_count).
    voters_count: poll.votersCount,
    options: poll.options.map((title, i) => ({ title, votes_count: totals ? (poll.counts[i] ?? 0) : null })),
    emojis: [],
    // The author counts as having voted: apps then show the results, not the form.
    voted: poll.ownVotes !== null || poll.viewerIsAuthor,
    own_votes: poll.ownVotes ?? [],
  };
}
