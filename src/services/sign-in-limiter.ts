// Slows down password guessing on the sign-in form: at most MAX failures per
// username and address in WINDOW. In memory, so per process; a proxy or
// firewall limit belongs in front of a multi-process deployment too.
const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 10;
const failures = new Map<string, number[]>();

function recent(key: string): number[] {
  const now = Date.now();
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length === 0) failures.delete(key);
  else failures.set(key, list);
  return list;
}

export function isThrottled(username: string, address: string): boolean {
  return recent(`${username.toLowerCase()}|${address}`).length >= MAX_FAILURES;
}

export function recordFailure(username: string, address: string): void {
  const key = `${username.toLowerCase()}|${address}`;
  failures.set(key, [...recent(key), Date.now()]);
}
