// Where we may send a browser: after signing in (`next=`), and back to an
// OAuth app (its registered redirect_uri).

// Any base works: only whether the parsed URL stays on it matters.
const BASE = "https://ecotone.invalid";

/**
 * `raw` as a path on this site, or "/" when it could lead anywhere else.
 * Browsers drop tabs and newlines inside URLs and read `\` as `/`, so
 * `/%09/evil.example` (a tab once decoded), `/\evil.example` and
 * `//evil.example` all leave the site; the WHATWG parser reads them the way
 * the browser will, and the result is rebuilt from what it parsed.
 */
export function safeRedirectPath(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.length > 2000) return "/";
  // Control characters and backslashes have no business in a path of ours,
  // raw or percent-encoded (a second decoding somewhere would revive them).
  if (/[\u0000-\u001f\u007f\\]|%(?:[01][0-9a-f]|7f|5c)/i.test(raw)) return "/";
  let parsed: URL;
  try {
    parsed = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (parsed.origin !== BASE) return "/";
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  // A path that still reads as protocol-relative after parsing is refused too.
  return path.startsWith("//") ? "/" : path;
}

export const OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

// Schemes a browser runs or reads locally instead of handing to an app.
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:", "filesystem:", "view-source:", "ws:", "wss:", "ftp:"]);

/**
 * Why an OAuth redirect_uri may not be registered, or null when it may
 * (RFC 8252, RFC 6749 §3.1.2): https anywhere; http only to a loopback host
 * (a native app listening locally); the out-of-band URN; or a private-use
 * scheme that the OS hands to the app owning it. RFC 8252 recommends
 * reverse-DNS names (`com.example.app:/callback`), but real Mastodon apps
 * register short ones (`elk://callback`, `ivory://`), so any other scheme is
 * taken, except those a browser runs or reads itself (`javascript:`,
 * `data:`, `blob:`, `file:`…). No fragment, no user name or password.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri === OOB_REDIRECT_URI) return null;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  const scheme = parsed.protocol;
  if (FORBIDDEN_SCHEMES.has(scheme))
    return `the scheme ${scheme} is not allowed: use https, http on a loopback address, ${OOB_REDIRECT_URI}, or your app's own scheme`;
  if (parsed.hash) return "a redirect URI may not contain a fragment (#…)";
  if (parsed.username || parsed.password) return "a redirect URI may not contain a user name or password";
  if (scheme === "http:" && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    return "http redirect URIs are allowed only to a loopback address (127.0.0.1, [::1], localhost); use https";
  }
  return null;
}
