// A short-lived, in-process cache of *signed* GETs of ActivityPub documents.
//
// Why here: every incoming activity makes Fedify check that the signing key
// belongs to the activity's actor (`doesActorOwnKey`), and it fetches the
// actor with the context's document loader. Because Ecotone sets a shared key
// dispatcher (peers in authorized-fetch mode need signed GETs), that loader is
// the *authenticated* one, which Fedify deliberately never caches; so every
// activity cost a signed GET of the sender's actor (a signature, a round trip,
// JSON-LD work) — the largest cost of the inbox (docs/performance.md). Fedify
// 2.3 accepts its own `authenticatedDocumentLoaderFactory` only when neither
// `allowPrivateAddress` nor `userAgent` is set, and without `allowPrivateAddress`
// it refuses deliveries to loopback peers, which every federation test and
// the benchmark use; its delivery code and loaders all call the global fetch,
// which Ecotone already wraps (fetch-guard.ts). So the cache sits in front of
// that fetch, and serves the same signer the same answer for a few seconds
// (ADR 0100).
//
// What is cached: GET requests that carry an HTTP signature and ask for
// ActivityPub, answered 200 with an ActivityPub content type and no redirect,
// bodies up to 256 KiB. The key includes the signer's key id, so one signer
// never sees what another was shown. A peer's change (key rotation, profile
// edit) is seen after at most the TTL (default 30 s): the remote server's
// retry then succeeds, as it does when Fedify's own key cache is stale.
import { signatureKeyId } from "../domain/trust.rules.ts";
import { sizeBounded } from "./bounded-map.ts";
import { AsyncLocalStorage } from "node:async_hooks";
import { findFetchLayer, installFetchLayer } from "./fetch-layer.ts";

export interface SignedFetchCacheOptions {
  /** 0 turns the cache off. */
  ttlMs: number;
  maxEntries?: number;
  maxBodyBytes?: number;
}

interface Entry {
  expires: number;
  status: number;
  headers: [string, string][];
  body: string;
  url: string;
}

const INSTALLED = Symbol.for("ecotone.signedFetchCache");

/** Set while work runs that must see documents as they are now (withFreshFetches). */
const fresh = new AsyncLocalStorage<true>();

const ACTIVITY_PUB = /application\/(activity\+json|ld\+json)/i;

export class SignedFetchCache {
  readonly #entries: Map<string, Entry>;
  #ttlMs: number;
  readonly #maxBodyBytes: number;
  hits = 0;
  misses = 0;

  constructor(options: SignedFetchCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
    this.#entries = sizeBounded<string, Entry>(options.maxEntries ?? 2_000);
  }

  /** Several instances in one process (tests): the shortest TTL wins. */
  tighten(ttlMs: number): void {
    this.#ttlMs = Math.min(this.#ttlMs, ttlMs);
  }

  /** Forgets every cached answer for this URL (all signers). */
  evict(url: string): void {
    const bare = url.replace(/#.*$/, "");
    for (const key of this.#entries.keys()) if (key.split("\n")[0] === bare) this.#entries.delete(key);
  }

  /** The cache key, or null when the request must not be cached. */
  keyOf(request: Request): string | null {
    if (this.#ttlMs <= 0 || request.method !== "GET") return null;
    const accept = request.headers.get("accept") ?? "";
    if (!ACTIVITY_PUB.test(accept)) return null;
    const signer = signerOf(request.headers);
    if (!signer) return null;
    return `${request.url.replace(/#.*$/, "")}\n${accept}\n${signer}`;
  }

  get(key: string): Response | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return null;
    }
    this.hits++;
    const response = new Response(entry.body, { status: entry.status, headers: entry.headers });
    // Fedify takes the document's URL from response.url.
    Object.defineProperty(response, "url", { value: entry.url });
    return response;
  }

  /** Stores a copy of a cacheable answer; hands back a response the caller can still read. */
  async store(key: string, request: Request, response: Response): Promise<Response> {
    this.misses++;
    const type = response.headers.get("content-type") ?? "";
    const sameUrl = !response.redirected && (response.url === "" || response.url === request.url.replace(/#.*$/, ""));
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (response.status !== 200 || !ACTIVITY_PUB.test(type) || !sameUrl || declared > this.#maxBodyBytes) return response;
    const body = await response.text();
    const url = response.url || request.url;
    if (Buffer.byteLength(body) <= this.#maxBodyBytes) {
      this.#entries.set(key, { expires: Date.now() + this.#ttlMs, status: 200, headers: [...response.headers], body, url });
    }
    const copy = new Response(body, { status: 200, headers: response.headers });
    Object.defineProperty(copy, "url", { value: url });
    return copy;
  }
}

/** The key id from an RFC 9421 Signature-Input or a draft-cavage Signature header. */
function signerOf(headers: Headers): string | null {
  return signatureKeyId(headers.get("signature-input") ?? headers.get("signature"));
}

/** `inner` with the cache in front of it. */
export function cachingFetch(inner: typeof fetch, cache: SignedFetchCache): typeof fetch {
  return async (input, init) => {
    // Fedify passes a signed Request, with at most `redirect` and `signal`
    // as options; anything else goes straight through.
    if (!(input instanceof Request) || (init && Object.keys(init).some((k) => k !== "redirect" && k !== "signal"))) return inner(input, init);
    const key = cache.keyOf(input);
    if (key === null) return inner(input, init);
    const hit = fresh.getStore() ? undefined : cache.get(key);
    if (hit) return hit;
    return cache.store(key, input, await inner(input, init));
  };
}

/**
 * Runs `work` with every signed fetch going to the peer's server, not to a
 * copy up to a TTL old; what it fetches replaces the cached copy. For work
 * done because a document is said to have changed: an incoming Update
 * (src/federation/inbox/update.handler.ts), an organization's refresh. One
 * rule in the mechanism, instead of each caller evicting the URLs it is about
 * to look up (and missing those its lookups lead to).
 */
export function withFreshFetches<T>(work: () => T): T {
  return fresh.run(true, work);
}

/**
 * Forgets what the cache holds of one document, before a check that must not
 * see an old copy and that runs outside any work we could wrap in
 * `withFreshFetches` (Fedify's verification of a self-Delete, self-delete.ts).
 */
export function forgetSignedFetch(url: string | URL): void {
  findFetchLayer<SignedFetchCache>(INSTALLED)?.evict(String(url));
}

/** Puts the cache in front of the global fetch once per process (fetch-layer.ts); returns it. */
export function installSignedFetchCache(options: SignedFetchCacheOptions): SignedFetchCache {
  return installFetchLayer(
    INSTALLED,
    () => new SignedFetchCache(options),
    cachingFetch,
    (existing) => existing.tighten(options.ttlMs),
  );
}
