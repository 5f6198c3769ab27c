// Password hashing with scrypt (Node's built-in, a vetted memory-hard KDF; no
// native addon to build). Format: scrypt$N$r$p$salt$hash, base64.
//
// Parameters are OWASP's minimum for scrypt (N=2^17, r=8, p=1): 128 MiB and
// about half a second of one core per hash. Hashes made with older, weaker
// parameters still verify, and are replaced on the next successful sign-in
// (needsRehash). At most HASHING_SLOTS hashes run at once, so a burst of
// sign-ins queues instead of taking 128 MiB each at the same time, and a
// queue longer than MAX_WAITING is refused (503) rather than grown.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { unavailable } from "../../domain/errors.ts";

export const SCRYPT_N = 2 ** 17;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const KEY_LENGTH = 32;
/** Refuse stored parameters beyond this: a corrupt or hostile hash must not take gigabytes. */
const MAX_N = 2 ** 20;
const HASHING_SLOTS = 2;
/** Hashes allowed to wait for a slot; past that a request is refused at once (about 30 s of work queued). */
const MAX_WAITING = 64;

let running = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASHING_SLOTS) {
    if (waiting.length >= MAX_WAITING) {
      throw unavailable("The server is busy checking passwords; nothing was changed. Try again in a few seconds.");
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next)
      next(); // the slot passes straight to the next in line
    else running -= 1;
  }
}

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return withSlot(
    () => new Promise((resolve, reject) => scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)))),
  );
}

function memoryFor(n: number, r: number): number {
  return 128 * n * r * 2;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, {
    N: SCRYPT_N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    maxmem: memoryFor(SCRYPT_N, SCRYPT_R),
  });
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

interface StoredHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parseStored(stored: string): StoredHash | null {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return null;
  const parsed = { n: Number(n), r: Number(r), p: Number(p), salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
  const sane = [parsed.n, parsed.r, parsed.p].every(Number.isSafeInteger) && parsed.n <= MAX_N && parsed.r <= 32 && parsed.p <= 16;
  return sane ? parsed : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const actual = await scrypt(password.normalize("NFKC"), parsed.salt, parsed.hash.length, {
    N: parsed.n,
    r: parsed.r,
    p: parsed.p,
    maxmem: memoryFor(parsed.n, parsed.r),
  });
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** True when the stored hash was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parseStored(stored);
  return !parsed || parsed.n < SCRYPT_N || parsed.r < SCRYPT_R || parsed.p < SCRYPT_P;
}

/** A hash of a random password, for comparing against when the user does not exist. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
}

export function randomPassword(): string {
  return randomBytes(15).toString("base64url");
}
