// Actor and key documents parsed once per process, not once per activity.
//
// Fedify 2.3.8 parses the same two documents again for every activity a
// known sender delivers: its key cache (`KvKeyCache`) stores the public key
// as JSON-LD and runs `CryptographicKey.fromJsonLd` (or `Multikey.fromJsonLd`)
// on every read, and the key-ownership check (`doesActorOwnKey`) fetches the
// actor document — served by our signed-fetch cache, byte for byte the same —
// and runs `Object.fromJsonLd` on it. The activity itself is parsed three
// times: twice in the POST (`verifyObject`, which finds no proof, then
// `Activity.fromJsonLd`) and once more by the inbox queue's worker. Each
// parse is a full `jsonld.expand`: ~2.4 ms of CPU for the benchmark's actor
// document, ~0.15–0.5 ms for its key, ~0.6 ms for its Create(Note), a third
// of what an activity costs (docs/performance.md, "Session 10 (inbox)").
// Fedify takes neither a parsed-key cache nor a parser as an
// option, so the parse itself is memoized, as key-import.cache.ts memoizes
// private-key imports (ADR 0120).
//
// The memo is keyed by the document's text, so it decides nothing: which
// document is current is still decided by whoever fetched or stored it
// (Fedify's key cache, our signed-fetch cache with its TTL), and a changed
// document — a rotated key, a key removed from the actor — is new text and is
// parsed anew. A parse is a pure function of the text only when its contexts
// are Fedify's preloaded ones (nothing is fetched to expand it), so a
// document naming any other context is parsed every time. The caller gets a
// clone carrying its own loaders, as a fresh parse would. See ADR 0131.
import { createHash } from "node:crypto";
import { Activity, CryptographicKey, Multikey, Object as APObject } from "@fedify/vocab";
import { preloadedContexts } from "@fedify/vocab-runtime";
import { sizeBounded } from "./bounded-map.ts";

const MAX_DOCUMENTS = 2_000;
/** Only to let memory go: an entry is never stale, its key is the text itself. */
const TTL_MS = 10 * 60_000;
/** An activity is parsed again within seconds (the POST twice, the queue worker once), then never. */
const ACTIVITY_TTL_MS = 60_000;
/** The top-level types kept when parsed through `Object.fromJsonLd` (other objects there are fetched posts, parsed once). */
const ACTOR_TYPES = new Set(["Person", "Group", "Service", "Application", "Organization"]);

interface Parsed {
  clone(values: Record<string, never>, options: ParseOptions): Parsed;
  readonly id: URL | null;
  _cachedJsonLd?: unknown;
}
interface ParseOptions {
  documentLoader?: unknown;
  contextLoader?: unknown;
  tracerProvider?: unknown;
  baseUrl?: URL;
}
type FromJsonLd = (this: unknown, json: unknown, options?: ParseOptions) => Promise<Parsed>;

interface Entry {
  expires: number;
  parsed: Promise<Parsed>;
}

let cache: Map<string, Entry> | null = null;
let parses = 0;

/** True when expanding `context` fetches nothing: every URL in it is preloaded. */
function fixedContext(context: unknown): boolean {
  if (typeof context === "string") return Object.hasOwn(preloadedContexts, context);
  if (Array.isArray(context)) return context.every(fixedContext);
  // An inline context object may still import a remote one.
  return context !== null && typeof context === "object" && !("@import" in context);
}

/** The memo's name for this parse, or null when it must run as it is. */
function entryOf(kind: string, json: unknown, options: ParseOptions | undefined): string | null {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return null;
  const document = json as Record<string, unknown>;
  if (!("@context" in document) || !fixedContext(document["@context"])) return null;
  if (kind === "Object" && !(typeof document.type === "string" && ACTOR_TYPES.has(document.type))) return null;
  const text = JSON.stringify(document);
  return createHash("sha256")
    .update(`${kind}\n${options?.baseUrl?.href ?? ""}\n`)
    .update(text)
    .digest("base64url");
}

function memoize(target: { fromJsonLd: FromJsonLd }, kind: string, ttlMs: number): void {
  const original = target.fromJsonLd;
  target.fromJsonLd = function (this: unknown, json, options) {
    // Subclasses inherit the static; only calls on this very class are kept.
    const entry = this === target ? entryOf(kind, json, options) : null;
    if (entry === null) return original.call(this, json, options);
    let hit = cache!.get(entry);
    if (!hit || hit.expires <= Date.now()) {
      parses++;
      hit = { expires: Date.now() + ttlMs, parsed: original.call(this, json, options) };
      cache!.set(entry, hit);
      // A failed parse is not kept: the next call reports its own error.
      hit.parsed.catch(() => cache?.delete(entry));
      return hit.parsed;
    }
    // The same object as a fresh parse, with this caller's loaders for anything
    // it later dereferences (a fresh parse takes the base URL from the id).
    return hit.parsed.then((parsed) => {
      const copy = parsed.clone(
        {},
        {
          documentLoader: options?.documentLoader,
          contextLoader: options?.contextLoader,
          tracerProvider: options?.tracerProvider,
          baseUrl: options?.baseUrl ?? parsed.id ?? undefined,
        },
      );
      // A fresh parse keeps its own copy of the document, which toJsonLd()
      // answers with (unknown properties included); clone() does not carry it.
      if (parsed._cachedJsonLd !== undefined) copy._cachedJsonLd = structuredClone(parsed._cachedJsonLd);
      return copy;
    });
  };
}

/** Installs the memo on Fedify's vocabulary, once per process. */
export function installDocumentParseCache(): void {
  if (cache) return;
  cache = sizeBounded<string, Entry>(MAX_DOCUMENTS);
  memoize(APObject as unknown as { fromJsonLd: FromJsonLd }, "Object", TTL_MS);
  memoize(CryptographicKey as unknown as { fromJsonLd: FromJsonLd }, "CryptographicKey", TTL_MS);
  memoize(Multikey as unknown as { fromJsonLd: FromJsonLd }, "Multikey", TTL_MS);
  memoize(Activity as unknown as { fromJsonLd: FromJsonLd }, "Activity", ACTIVITY_TTL_MS);
}

/** How many actor, key and activity documents were parsed in full since installation (tests). */
export function documentParses(): number {
  return parses;
}
