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
