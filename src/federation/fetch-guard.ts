// Every outbound request gets a deadline and a response-size cap.
//
// Fedify 2.3 sets neither (undici waits 300 s for headers by default) and its
// delivery code calls the global fetch without a signal, so the only place to
// put a deadline on deliveries is the global fetch itself. The guard keeps any
// signal the caller passed and adds a timeout; the body stream is cut off once
// it exceeds the cap, so a peer that drips or floods its answer cannot hold a
// worker or exhaust memory.
//
// ActivityPub documents must also come with an ActivityPub content type
// (CVE-2024-23832 class). Fedify parses any JSON it gets back, whatever the
// Content-Type (even text/html), so a JSON file a server lets its users
// upload and serves as application/json, text/plain or octet-stream would
// pass for an actor or a post on that server's origin. Mastodon refuses
// those since 4.2.5; so do we: when the request asked for ActivityPub
// (Accept: application/activity+json or application/ld+json) and the answer
// is neither, a JSON object is refused, unless it is a bare JSON-LD context
// (`{"@context": …}` only, as some servers publish theirs as
// application/json). HTML without JSON still passes, so Fedify can follow a
// profile page's <link rel="alternate" type="application/activity+json">.
//
// Fedify advisories after 2.3.8 that the registry has no release for are
// guarded here too: cross-origin redirects of ActivityPub requests and
// chains of alternate documents (see document-hops.ts and docs/security.md).
import { AlternateChainError, alternatesOffered, AlternateTracker, CrossOriginRedirectError, crossOriginRedirectTarget } from "./document-hops.ts";

import { createPublicOnlyDispatcher } from "./public-connect.ts";

export { AlternateChainError, CrossOriginRedirectError };

const alternates = new AlternateTracker();

export interface FetchGuardOptions {
  timeoutMs: number;
  maxBytes: number;
  /**
   * When false, connections go to public addresses only, checked when the
   * socket is opened (DNS rebinding, public-connect.ts). One process runs one
   * instance in production; when tests run several in one process, any that
   * allows private addresses turns the connection check off for all.
   */
  allowPrivateAddresses: boolean;
}

const GUARD = Symbol.for("ecotone.fetchGuard");

type GuardedFetch = typeof fetch & { [GUARD]?: FetchGuardOptions };

export class WrongContentTypeError extends Error {
  constructor(url: string, contentType: string | null) {
    super(`${url} answered an ActivityPub request with ${contentType ?? "no content type"}`);
    this.name = "WrongContentTypeError";
  }
}

export class ResponseTooLargeError extends Error {
  constructor(url: string, maxBytes: number) {
    super(`Response from ${url} exceeds ${maxBytes} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/** Installs the guard once per process; later calls only tighten the limits. */
export function installFetchGuard(options: FetchGuardOptions): void {
  const current = globalThis.fetch as GuardedFetch;
  const existing = current[GUARD];
  if (existing) {
    existing.timeoutMs = Math.min(existing.timeoutMs, options.timeoutMs);
    existing.maxBytes = Math.min(existing.maxBytes, options.maxBytes);
    existing.allowPrivateAddresses ||= options.allowPrivateAddresses;
    return;
  }
  const limits: FetchGuardOptions = { ...options };
  const original = current;
  const publicOnly = createPublicOnlyDispatcher();
  const guarded: GuardedFetch = async (input, init) => {
    const timeout = AbortSignal.timeout(limits.timeoutMs);
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const dispatcher = limits.allowPrivateAddresses ? {} : { dispatcher: publicOnly };
    const response = await original(input, { ...init, signal, ...dispatcher } as RequestInit);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const activityPub = asksForActivityPub(input, init);
    if (activityPub) checkRedirect(url, response);
    const capped = capResponse(response, url, limits.maxBytes);
    return activityPub ? requireActivityPubType(capped, url) : capped;
  };
  guarded[GUARD] = limits;
  globalThis.fetch = guarded;
}

/** Refuses a redirect to another origin; a redirect of an alternate leads to an alternate. */
function checkRedirect(url: string, response: Response): void {
  const finalUrl = response.redirected && response.url ? response.url : null;
  const elsewhere = crossOriginRedirectTarget(url, response) ?? (finalUrl && new URL(finalUrl).origin !== new URL(url).origin ? finalUrl : null);
  if (elsewhere) {
    void response.body?.cancel();
    throw new CrossOriginRedirectError(url, elsewhere);
  }
  const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
  if (location && alternates.isAlternate(url)) alternates.remember([new URL(location, url).href]);
}

function capResponse(response: Response, url: string, maxBytes: number): Response {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    void response.body?.cancel();
    throw new ResponseTooLargeError(url, maxBytes);
  }
  // Null-body statuses cannot be re-wrapped, and have nothing to cap.
  if (!response.body || [101, 103, 204, 205, 304].includes(response.status)) return response;
  let received = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) {
          controller.error(new ResponseTooLargeError(url, maxBytes));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const capped = new Response(limited, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Keep what callers read from the original (redirect handling uses url).
  Object.defineProperty(capped, "url", { value: response.url });
  Object.defineProperty(capped, "redirected", { value: response.redirected });
  return capped;
}

const ACTIVITY_PUB_TYPE = /^application\/(activity\+json|ld\+json)\s*(;|$)/i;

function asksForActivityPub(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const request = input instanceof Request ? input : null;
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  if (method !== "GET") return false;
  const accept = new Headers(init?.headers ?? request?.headers).get("accept") ?? "";
  return /application\/(activity\+json|ld\+json)/i.test(accept);
}

async function requireActivityPubType(response: Response, url: string): Promise<Response> {
  const contentType = response.headers.get("content-type");
  if (response.status < 200 || response.status >= 300 || !response.body) return response;
  if (contentType && ACTIVITY_PUB_TYPE.test(contentType.trim())) return response;
  const text = await response.text();
  // Fedify follows an alternate only from a non-ActivityPub answer, i.e. here.
  const offered = alternatesOffered(url, response.headers.get("link"), /html/i.test(contentType ?? "") ? text : null);
  if (offered.length > 0) {
    if (alternates.isAlternate(url)) throw new AlternateChainError(url);
    alternates.remember(offered);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // not JSON (an HTML page): nothing to mistake for an object
  }
  if (json !== undefined && !isBareContext(json)) throw new WrongContentTypeError(url, contentType);
  const replay = new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(replay, "url", { value: response.url });
  Object.defineProperty(replay, "redirected", { value: response.redirected });
  return replay;
}

function isBareContext(json: unknown): boolean {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const keys = Object.keys(json);
  return keys.length === 1 && keys[0] === "@context";
}
