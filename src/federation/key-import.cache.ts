// Private keys imported once per process, not once per delivery.
//
// Fedify's delivery queue carries the sender's private keys as JWKs in each
// message and imports them again for every delivery (its outbox listener
// calls `crypto.subtle.importKey("jwk", …)` per message): with 500 deliveries
// of one post that is 500 imports of the same RSA-2048 key, about 0.5 ms of
// the instance's thread each (docs/performance.md, "Session 7 (delivery)").
// Fedify gives no hook between the message and the import, so the import
// itself is memoized, for private JWKs only.
//
// The entry is keyed by the key material itself (with the algorithm, the
// usages and extractability asked for), not by actor or key id: a rotated
// key is new material, so a message carrying the new key gets the new key,
// and an entry can only ever answer for the exact JWK it was made from —
// whichever key a message carries is the key that signs, as without the
// cache. The key material is hashed so the map holds no second copy of it;
// the map is bounded (the oldest entry goes first). See ADR 0120.
import { createHash } from "node:crypto";
import { sizeBounded } from "./bounded-map.ts";

const MAX_KEYS = 1_000;

type ImportKey = SubtleCrypto["importKey"];

let cache: Map<string, Promise<CryptoKey>> | null = null;
let privateImports = 0;

/** The cache entry's name for a private JWK import, or null when it is not one. */
function entryOf(format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: Iterable<KeyUsage>): string | null {
  if (format !== "jwk" || keyData === null || typeof keyData !== "object") return null;
  const jwk = keyData as JsonWebKey;
  if (typeof jwk.d !== "string") return null;
  const hash = createHash("sha256");
  // Every member that defines the key (RSA: n, e, d, p, q, dp, dq, qi; OKP: crv, x, d).
  for (const name of ["kty", "crv", "alg", "n", "e", "x", "d", "p", "q", "dp", "dq", "qi"] as const) hash.update(`${name}=${jwk[name] ?? ""};`);
  hash.update(`${JSON.stringify(algorithm)};${extractable};${[...usages].join(",")}`);
  return hash.digest("base64url");
}

/**
 * Installs the memo in front of `crypto.subtle.importKey`, once per process.
 * Other formats (spki, raw…) and public keys go through untouched.
 */
export function installKeyImportCache(): void {
  if (cache) return;
  cache = sizeBounded<string, Promise<CryptoKey>>(MAX_KEYS);
  const subtle = globalThis.crypto.subtle;
  const original: ImportKey = subtle.importKey.bind(subtle);
  const cached = ((format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: KeyUsage[]) => {
    const run = () => (original as (...args: unknown[]) => Promise<CryptoKey>)(format, keyData, algorithm, extractable, usages);
    const entry = entryOf(format, keyData, algorithm, extractable, usages);
    if (entry === null) return run();
    const hit = cache!.get(entry);
    if (hit) return hit;
    privateImports++;
    const imported = run();
    cache!.set(entry, imported);
    // A failed import is not remembered: the next call reports its own error.
    imported.catch(() => cache?.delete(entry));
    return imported;
  }) as ImportKey;
  subtle.importKey = cached;
}

/** How many private-key imports reached WebCrypto since installation (tests). */
export function privateKeyImports(): number {
  return privateImports;
}
