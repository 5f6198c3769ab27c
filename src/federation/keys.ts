// Turns the stored JWKs of a local actor into Fedify key pairs. Keys never
// change after creation, so imported CryptoKeys are cached per actor.
import { importJwk } from "@fedify/fedify";
import { getActorKeys } from "../services/user.service.ts";
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
