// A Delete of an account sent by that account (what Mastodon sends to every
// follower when someone deletes their account) is the one activity whose
// signer's key is expected to be gone. If Fedify still holds the key, the
// signature verifies against that copy and the key-ownership check then
// refetches the actor, gets 410 and answers 401 without calling any hook, so
// the deletion was refused (docs/security.md, finding 8). Forgetting what we
// hold of that key before Fedify looks makes it fetch the key afresh: a live
// account's key still answers and everything proceeds as before; a deleted
// one answers 410 and `onUnverifiedActivity` (gone-actor.ts) marks it gone.
//
// Only the copies of the key are dropped, never anything the sender could
// use; at worst a sender makes us fetch its own key once more per request,
// which any unknown key id already does.
import type { KvKey, KvStore } from "@fedify/fedify";
import { sameOrigin, signatureKeyId } from "../../domain/trust.rules.ts";
import { forgetSignedFetch } from "../signed-fetch.cache.ts";

/**
 * Where Fedify 2.3 keeps a fetched key (its KvKeyCache, generation "2", and
 * the fetch error beside it) and a fetched document (kvCache). Fedify's
 * defaults; test/faults/gone-peer.test.ts fails if an upgrade moves them.
 */
function cachedKeyEntries(keyId: string): KvKey[] {
  const documentUrl = keyId.split("#", 1)[0]!;
  return [
    ["_fedify", "publicKey", "2", keyId],
    ["_fedify", "publicKey", "__fetchError", keyId],
    ["_fedify", "remoteDocument", keyId],
    ["_fedify", "remoteDocument", documentUrl],
  ];
}

function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string") return (value as { id: string }).id;
  return null;
}

/** The signer's key id when this body is a Delete of the signing account by itself, on its own origin. */
export function selfDeleteSigner(body: unknown, signatureHeaders: Headers): string | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const activity = body as { type?: unknown; actor?: unknown; object?: unknown };
  if (activity.type !== "Delete") return null;
  const actor = idOf(activity.actor);
  if (!actor || idOf(activity.object) !== actor) return null;
  const keyId = signatureKeyId(signatureHeaders.get("signature-input") ?? signatureHeaders.get("signature"));
  if (!keyId) return null;
  return sameOrigin(keyId, actor) ? keyId : null;
}

type BeforeFederation = (request: Request, body: { json: unknown } | undefined) => Promise<Response | null>;

/**
 * The adapter's hook `next`, preceded by dropping the copies of a
 * self-deleting account's key, so Fedify asks that account's server again.
 */
export function withSelfDeleteKeyRefresh(kv: KvStore, next: BeforeFederation): BeforeFederation {
  return async (request, body) => {
    await forgetKeyOfSelfDelete(kv, request, body);
    return next(request, body);
  };
}

async function forgetKeyOfSelfDelete(kv: KvStore, request: Request, body: { json: unknown } | undefined): Promise<void> {
  if (request.method !== "POST" || !body) return;
  const parsed = body.json;
  const keyId = selfDeleteSigner(parsed, request.headers);
  if (!keyId) return;
  for (const key of cachedKeyEntries(keyId)) await kv.delete(key);
  forgetSignedFetch(keyId.split("#", 1)[0]!);
  forgetSignedFetch(idOf((parsed as { actor: unknown }).actor)!);
}
