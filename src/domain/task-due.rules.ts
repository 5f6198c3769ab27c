// When an assignee hears that a task is due: on the due date itself, in their
// own time zone (the one their digest uses, else UTC), so nobody is told a day
// early because the server's clock is elsewhere. A task that is already
// overdue when someone takes it, or when this check first runs after an
// upgrade, is not announced: only due dates up to CATCH_UP_DAYS back, which
// covers a server that was down over the due date. Pure: the clock is a
// parameter.
import { isTimeZone, localDateOf } from "./digest.rules.ts";

export const CATCH_UP_DAYS = 2;

/** Far enough ahead in UTC to hold any time zone's today (UTC+14). */
export function latestDueDateToCheck(now: Date): string {
  return new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
}

/** Far enough back in UTC to hold any time zone's earliest catch-up date (UTC−12). */
export function earliestDueDateToCheck(now: Date): string {
  return new Date(now.getTime() - (CATCH_UP_DAYS + 1) * 86_400_000).toISOString().slice(0, 10);
}

export function isDueFor(dueDate: string, timeZone: string | null, now: Date): boolean {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : "UTC";
  const today = localDateOf(now, zone);
  const earliest = localDateOf(new Date(now.getTime() - CATCH_UP_DAYS * 86_400_000), zone);
  return dueDate <= today && dueDate >= earliest;
}
