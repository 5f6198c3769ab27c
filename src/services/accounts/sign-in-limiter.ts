// Slows down password guessing: at most MAX_ATTEMPTS failed sign-ins per
// username and address, and MAX_ATTEMPTS_PER_ADDRESS per address whatever
// the usernames (spraying one password over many accounts), in WINDOW.
//
// An attempt is reserved *before* the password is hashed (a hash takes half
// a second), so concurrent guesses cannot all pass the check before the
// first failure is recorded: with a limit of 10, 30 guesses sent at once get
// 10 checks and 20 refusals. A successful sign-in gives its reservation back.
// In memory, so per process, and bounded (MAX_KEYS) so that guesses under
// ever-new names cannot grow it without end; a proxy or firewall limit
// belongs in front of a multi-process deployment.
const WINDOW_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 10;
export const MAX_ATTEMPTS_PER_ADDRESS = 50;
const MAX_KEYS = 100_000;
const attempts = new Map<string, number[]>();

function recent(key: string, now: number): number[] {
  const list = (attempts.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length === 0) attempts.delete(key);
  else attempts.set(key, list);
  return list;
}

function record(key: string, list: number[], stamp: number): void {
  attempts.delete(key); // re-inserted last: the Map stays ordered by last use
  attempts.set(key, [...list, stamp]);
  if (attempts.size <= MAX_KEYS) return;
  for (const [oldest] of attempts) {
    attempts.delete(oldest);
    if (attempts.size <= MAX_KEYS) break;
  }
}

function forget(key: string, stamp: number): void {
  const list = attempts.get(key);
  if (!list) return;
  const at = list.indexOf(stamp);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) attempts.delete(key);
}

export interface Reservation {
  /** The password was right: this attempt does not count against the limits. */
  release(): void;
}

/** Reserves one attempt, or returns null when a limit is reached. Synchronous, so atomic. */
export function reserveAttempt(username: string, address: string): Reservation | null {
  const now = Date.now();
  const userKey = `u|${username.trim().toLowerCase()}|${address}`;
  const addressKey = `a|${address}`;
  const forUser = recent(userKey, now);
  const forAddress = recent(addressKey, now);
  if (forUser.length >= MAX_ATTEMPTS || forAddress.length >= MAX_ATTEMPTS_PER_ADDRESS) return null;
  record(userKey, forUser, now);
  record(addressKey, forAddress, now);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      forget(userKey, now);
      forget(addressKey, now);
    },
  };
}

/** How many keys the limiter holds (operations, tests). */
export function trackedKeys(): number {
  return attempts.size;
}
