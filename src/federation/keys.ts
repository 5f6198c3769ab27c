// Turns the stored JWKs of a local actor into Fedify key pairs. Keys never
// change after creation, so imported CryptoKeys are cached per actor.
import { importJwk } from "@fedify/fedify";
import { getActorKeys } from "../services/accounts/user.service.ts";
import type { ServiceContext } from "../services/context.ts";

const cache = new Map<string, CryptoKeyPair[]>();

export async function loadKeyPairs(ctx: ServiceContext, actorId: string): Promise<CryptoKeyPair[]> {
  const cacheKey = `${ctx.origin.href}|${actorId}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const stored = await getActorKeys(ctx, actorId);
  const pairs: CryptoKeyPair[] = [];
  // RSA first: Fedify uses the first pair for draft-cavage signatures.
  for (const algorithm of ["rsa", "ed25519"] as const) {
    const key = stored.find((k) => k.algorithm === algorithm);
    if (!key) continue;
    pairs.push({
      privateKey: await importJwk(key.privateJwk, "private"),
      publicKey: await importJwk(key.publicJwk, "public"),
    });
  }
  cache.set(cacheKey, pairs);
  return pairs;
}

const ACTOR_ID_TTL_MS = 30_000;
const actorIds = new Map<string, { id: string; until: number }>();

/**
 * The key pairs of a local actor by username. Fedify asks for the instance
 * actor's keys on every incoming activity (twice: the POST and the queued
 * message, for its signed key-ownership fetches), so the username's row id
 * is remembered for a few seconds too: a lookup less per ask. A username
 * deleted and taken again within that time still finds the right keys
 * afterwards (the entry expires), never another actor's.
 */
export async function loadKeyPairsByUsername(
  ctx: ServiceContext,
  username: string,
  find: (username: string) => Promise<{ id: string } | null>,
): Promise<CryptoKeyPair[]> {
  const key = `${ctx.origin.href}|${username}`;
  let entry = actorIds.get(key);
  if (!entry || entry.until <= Date.now()) {
    const row = await find(username);
    // An unknown username is not remembered: it may be taken a moment later.
    if (!row) return [];
    entry = { id: row.id, until: Date.now() + ACTOR_ID_TTL_MS };
    if (actorIds.size > 10_000) actorIds.clear();
    actorIds.set(key, entry);
  }
  return loadKeyPairs(ctx, entry.id);
}
