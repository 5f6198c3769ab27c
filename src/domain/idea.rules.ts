// Ideas: the statuses the owning company answers with, and how a board ranks.
import { validationFailed } from "./errors.ts";

export const IDEA_STATUSES = ["open", "under_review", "planned", "in_progress", "done", "declined", "duplicate"] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

/** The hashtag that marks a post as an idea on the wire (Mastodon shows it as #idea). */
export const IDEA_TAG = "idea";
/** Status answers carry a tag like #ideastatus_planned so other servers can read them. */
export const STATUS_TAG_PREFIX = "ideastatus_";

export function parseIdeaStatus(raw: string): IdeaStatus {
  if (!(IDEA_STATUSES as readonly string[]).includes(raw) || raw === "open") {
    throw validationFailed(`Status "${raw}" is not one of ${IDEA_STATUSES.filter((s) => s !== "open").join(", ")}`, { field: "status" });
  }
  return raw as IdeaStatus;
}

export function statusFromTags(tags: string[]): IdeaStatus | null {
  for (const tag of tags) {
    if (!tag.startsWith(STATUS_TAG_PREFIX)) continue;
    const status = tag.slice(STATUS_TAG_PREFIX.length);
    if ((IDEA_STATUSES as readonly string[]).includes(status)) return status as IdeaStatus;
  }
  return null;
}

/** Recent votes count more: a vote's weight halves every HALF_LIFE_HOURS. */
export const HALF_LIFE_HOURS = 72;

export function momentum(voteTimes: Date[], now: Date = new Date()): number {
  return voteTimes.reduce((sum, t) => sum + 0.5 ** ((now.getTime() - t.getTime()) / 3_600_000 / HALF_LIFE_HOURS), 0);
}

/**
 * The stored, clock-free form of momentum (migration 0099): log2 of the sum of
 * 2^(t / HALF_LIFE) over the votes' times. Ranking by it is ranking by momentum
 * at any moment, since momentum(now) = 2^(rising - now / HALF_LIFE).
 */
export function risingScore(voteTimes: Date[]): number {
  if (voteTimes.length === 0) return 0;
  const e = voteTimes.map((t) => t.getTime() / 3_600_000 / HALF_LIFE_HOURS);
  const max = Math.max(...e);
  return max + Math.log2(e.reduce((sum, x) => sum + 2 ** (x - max), 0));
}

/** The momentum now of an idea with this stored `rising` score and vote count. */
export function momentumOf(rising: number, votes: number, now: Date = new Date()): number {
  return votes === 0 ? 0 : 2 ** (rising - now.getTime() / 3_600_000 / HALF_LIFE_HOURS);
}

/** The board's cursor in an address: `<score>_<id>` (the last idea shown); null when it is not one. */
export function parseIdeaCursor(raw: string | undefined): { score: number; id: string } | null {
  const match = raw ? /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)_(\d{1,25})$/.exec(raw) : null;
  if (!match) return null;
  const score = Number(match[1]);
  return Number.isFinite(score) ? { score, id: match[2]! } : null;
}

export function ideaCursor(score: number, id: string): string {
  return `${score}_${id}`;
}
