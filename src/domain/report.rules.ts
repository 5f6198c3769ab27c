// How many reports one reporter may file. Reports reach moderators as work
// to do; without a limit one account (or one hostile server) buries the
// real ones. Generous for honest use: a person rarely files more than a few
// an hour, and Mastodon sends a server's reports from one instance actor.

export const REPORT_WINDOW_MS = 60 * 60_000;
/** Reports one local account may file per window. */
export const LOCAL_REPORTS_PER_WINDOW = 10;
/** Flags accepted from one remote origin (all its actors together) per window. */
export const REMOTE_FLAGS_PER_ORIGIN_PER_WINDOW = 30;

export function reportLimitReached(filedInWindow: number, limit: number): boolean {
  return filedInWindow >= limit;
}
