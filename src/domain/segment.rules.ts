// Segments: a saved description of a set of people (docs/insights.md,
// "Segments"). The filter's shape is checked by the route schema; these are the
// rules a schema cannot say, and who may keep segments.
import { forbidden, validationFailed } from "./errors.ts";

export interface SegmentFilter {
  /** Organizations by domain (host[:port]). */
  organizations?: string[];
  /** This instance's label for their organization; "self" for our own people, "none" for unlabelled. */
  relationships?: string[];
  audiences?: string[];
  /** Only members of this group (id, name or @name@host). */
  group?: string;
  /** Did something (posted, replied, liked, voted, joined) in the last N days. */
  activeWithinDays?: number;
  /** Did nothing in the last N days: the silent members. */
  silentForDays?: number;
  /** Posted or replied at least this many times (in the group, when one is given). */
  minPosts?: number;
  /** Voted for at least one idea. */
  voted?: boolean;
}

export const SEGMENT_RELATIONSHIPS = ["customer", "partner", "supplier", "affiliate", "prospect", "self", "none"] as const;
/** The most members listed as JSON in one answer; the CSV export has them all up to MAX_EXPORT. */
export const MAX_LISTED = 1000;
export const MAX_EXPORT = 100_000;
/** The most invitations one request sends. */
export const MAX_INVITES = 500;
/** The most people one announcement reaches (one direct post each). */
export const MAX_ANNOUNCED = 200;

export function checkSegmentFilter(filter: SegmentFilter): void {
  if (filter.activeWithinDays !== undefined && filter.silentForDays !== undefined) {
    throw validationFailed('"activeWithinDays" and "silentForDays" contradict each other; keep one', { field: "filter.silentForDays" });
  }
  if (Object.keys(filter).length === 0) {
    throw validationFailed(
      "A segment needs at least one filter (organizations, relationships, audiences, group, activeWithinDays, silentForDays, minPosts, voted)",
      {
        field: "filter",
      },
    );
  }
}

/** Admins keep segments over everyone; a group's moderators over that group's members. */
export function assertCanKeepSegment(role: string, filter: SegmentFilter, moderatesGroup: boolean): void {
  if (role === "admin") return;
  if (filter.group && moderatesGroup) return;
  throw forbidden(
    filter.group
      ? "Only the group's moderators and the instance's admins can keep segments of its members"
      : "Segments over the whole instance are for its admins; give a group you moderate in filter.group",
  );
}

/** One CSV field: quoted, and never read as a formula by a spreadsheet. */
export function csvField(value: string | null): string {
  const text = value ?? "";
  // Spreadsheets skip leading blanks and read full-width signs as formulas too.
  const safe = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}
