// Slows down password guessing: at most MAX_ATTEMPTS failed sign-ins per
// username and address in WINDOW. An attempt is reserved *before* the
// password is hashed (a hash takes half a second), so concurrent guesses
// cannot all pass the check before the first failure is recorded: with a
// limit of 10, 30 guesses sent at once get 10 checks and 20 refusals. A
// successful sign-in gives its reservation back. In memory, so per process;
// a proxy or firewall limit belongs in front of a multi-process deployment.
const WINDOW_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 10;
const attempts = new Map<string, number[]>();

function keyOf(username: string, address: string): string {
  return `${username.trim().toLowerCase()}|${address}`;
}

function recent(key: string): number[] {
  const now = Date.now();
  const list = (attempts.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length === 0) attempts.delete(key);
  else attempts.set(key, list);
  return list;
}

export interface Reservation {
  /** The password was right: this attempt does not count against the limit. */
  release(): void;
}

/** Reserves one attempt, or returns null when the limit is reached. Synchronous, so atomic. */
export function reserveAttempt(username: string, address: string): Reservation | null {
  const key = keyOf(username, address);
  const list = recent(key);
  if (list.length >= MAX_ATTEMPTS) return null;
  const stamp = Date.now();
  attempts.set(key, [...list, stamp]);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const current = attempts.get(key) ?? [];
      const at = current.indexOf(stamp);
      if (at >= 0) current.splice(at, 1);
      if (current.length === 0) attempts.delete(key);
    },
  };
}
