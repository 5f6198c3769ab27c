// Two hops Fedify 2.3.8 takes when it fetches an ActivityPub document, and
// the limits our fetch guard (fetch-guard.ts) puts on them, because the
// registry has no Fedify release with the fixes:
//
// - Cross-origin redirects (GHSA-8863-8468-7hq7, fixed in Fedify 2.3.14): a
//   key owner's or actor's id that redirects to a document on another origin
//   was accepted as that actor. An ActivityPub request that is redirected to
//   another origin is refused; same-origin redirects (`/@alice` → `/users/alice`)
//   still work.
// - Alternate-document chains (GHSA-97w4-f4rq-mgqm, fixed in 2.3.10): Fedify
//   follows `<link rel="alternate" type="application/activity+json">` in HTML
//   and in `Link` headers, and each hop starts its redirect count and loop
//   detection afresh, so two pages naming each other are fetched forever. We
//   remember the alternates we let through for a minute; a document reached
//   as an alternate that offers yet another alternate is refused, so a chain
//   is at most one hop long.

export class CrossOriginRedirectError extends Error {
  constructor(from: string, to: string) {
    super(`${from} redirected an ActivityPub request to another origin (${to}); refused`);
    this.name = "CrossOriginRedirectError";
  }
}

export class AlternateChainError extends Error {
  constructor(url: string) {
    super(`${url} was reached as an alternate document and offers another one; refused`);
    this.name = "AlternateChainError";
  }
}

/** The redirect target when `response` redirects `url` to another origin. */
export function crossOriginRedirectTarget(url: string, response: Response): string | null {
  if (response.status < 300 || response.status >= 400) return null;
  const location = response.headers.get("location");
  if (!location) return null;
  let target: URL;
  try {
    target = new URL(location, url);
  } catch {
    return location;
  }
  return target.origin === new URL(url).origin ? null : target.href;
}

const AP_TYPE = /application\/(activity\+json|ld\+json)/i;
// `[^<>]*` keeps both scans linear whatever the page holds.
const LINK_TAG = /<(?:a|link)\b[^<>]*>/gi;
const ATTRIBUTE = /([a-z][a-z:_-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi;

/** The ActivityPub alternates a response offers, in its Link header and (for HTML) its body. */
export function alternatesOffered(baseUrl: string, linkHeader: string | null, html: string | null): string[] {
  const found: string[] = [];
  const add = (href: string) => {
    try {
      found.push(new URL(href, baseUrl).href);
    } catch {
      // not a URL: Fedify cannot follow it either
    }
  };
  for (const part of (linkHeader ?? "").split(",")) {
    const match = /<([^>]*)>(.*)/.exec(part);
    if (match && /rel\s*=\s*"?alternate/i.test(match[2]!) && AP_TYPE.test(match[2]!)) add(match[1]!);
  }
  for (const tag of html?.match(LINK_TAG) ?? []) {
    const attributes: Record<string, string> = {};
    for (const [, name, a, b, c] of tag.matchAll(ATTRIBUTE)) attributes[name!.toLowerCase()] = a ?? b ?? c ?? "";
    if (attributes.rel === "alternate" && AP_TYPE.test(attributes.type ?? "") && attributes.href) add(attributes.href);
  }
  return found;
}

const ALTERNATE_TTL_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/** Alternates recently let through, bounded in size and time. */
export class AlternateTracker {
  readonly #seen = new Map<string, number>();

  remember(urls: string[]): void {
    const now = Date.now();
    for (const url of urls) {
      this.#seen.delete(url);
      this.#seen.set(url, now + ALTERNATE_TTL_MS);
    }
    // Oldest first: drop what no longer fits.
    for (const key of this.#seen.keys()) {
      if (this.#seen.size <= MAX_REMEMBERED) break;
      this.#seen.delete(key);
    }
  }

  /** True when `url` was reached as an alternate in the last minute. */
  isAlternate(url: string): boolean {
    const until = this.#seen.get(url);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.#seen.delete(url);
      return false;
    }
    return true;
  }
}
