// When a person's digest is due: at or after their chosen hour in their own
// time zone, once per local day (daily) or on Mondays (weekly), never twice
// for the same local day. Pure: the clock is a parameter.

export const DIGEST_FREQUENCIES = ["off", "daily", "weekly"] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function localParts(at: Date, zone: string): { date: string; hour: number; weekday: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23", weekday: "short" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour), weekday: String(parts.weekday) };
}

/** The calendar date (YYYY-MM-DD) it is at `at` in `zone`. */
export function localDateOf(at: Date, zone: string): string {
  return localParts(at, zone).date;
}

export function digestDue(s: { frequency: DigestFrequency; timeZone: string; hour: number; lastSentAt: Date | null }, now: Date): boolean {
  if (s.frequency === "off") return false;
  const here = localParts(now, s.timeZone);
  if (here.hour < s.hour) return false;
  if (s.frequency === "weekly" && here.weekday !== "Mon") return false;
  if (!s.lastSentAt) return true;
  return localParts(s.lastSentAt, s.timeZone).date !== here.date;
}

/** What the digest covers: since the last one, or one period back for the first. */
export function digestSince(s: { frequency: DigestFrequency; lastSentAt: Date | null }, now: Date): Date {
  return s.lastSentAt ?? new Date(now.getTime() - (s.frequency === "weekly" ? 7 : 1) * 86_400_000);
}
