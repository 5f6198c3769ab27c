// Our own keys: fixed-width decimal strings that start with the creation time
// in milliseconds. They sort by time both lexically and numerically-by-length,
// which Mastodon clients rely on for pagination.
import { randomInt, randomUUID } from "node:crypto";

let lastMillis = 0;
let sequence = 0;

export function newId(now: number = Date.now()): string {
  if (now === lastMillis) {
    sequence += 1;
  } else {
    lastMillis = now;
    sequence = randomInt(0, 1000) * 100;
  }
  // 13 digits of milliseconds + 6 digits of sequence = 19 characters.
  return `${String(now).padStart(13, "0")}${String(sequence % 1_000_000).padStart(6, "0")}`;
}

/**
 * The key of an activity id we mint (/likes/{key}, /follows/{key}…): random,
 * so nobody can guess it and claim it first (issue 11, class 3).
 */
export function newActivityKey(): string {
  return randomUUID();
}
